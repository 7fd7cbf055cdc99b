using System.Text.Json;
using Dapper;
using Store.Auth;
using Store.Data;
using Store.Hosting;

namespace Store.Compute.Capabilities;

public sealed record CapabilitiesResponse(int NumWorkers, IReadOnlyDictionary<string, int> Capabilities);

public static class CapabilitiesEndpoint
{
    public static void MapCapabilities(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/compute/capabilities", Handle)
            .RequireAccess(Access.Public)
            .WithName("GetCapabilities")
            .WithSummary("Live workers and, per task type, how many could take a job now")
            .WithDescription("Counts workers heard from within WORKER_TTL_SECONDS, the built-in one included; idle counts add up.");

    public static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<CapabilitiesResponse>> Handle(
        Db db, StoreSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - settings.WorkerTtlSeconds * 1000L;
        await using var connection = await db.OpenAsync(ct);
        var workers = (await connection.QueryAsync<(string Capabilities, int IdleCount)>(
            "SELECT capabilities, idle_count FROM workers WHERE last_seen > @since", new { since })).ToList();

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (capabilities, idle) in workers)
            foreach (var task in JsonSerializer.Deserialize<string[]>(capabilities) ?? [])
                counts[task] = counts.GetValueOrDefault(task) + idle;
        return TypedResults.Ok(new CapabilitiesResponse(workers.Count, counts));
    }
}
