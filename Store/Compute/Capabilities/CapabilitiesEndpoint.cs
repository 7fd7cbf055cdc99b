using Microsoft.AspNetCore.Http.HttpResults;
using Store.Compute.Queue;
using Store.Http;

namespace Store.Compute.Capabilities;

public sealed record CapabilitiesResponse(int NumWorkers, IReadOnlyDictionary<string, int> Capabilities);

public static class CapabilitiesEndpoint
{
    public static void MapCapabilities(this ApiGroup routes) =>
        routes.MapGet("/capabilities", Handle)
            .WithName("GetCapabilities")
            .WithSummary("Live workers and, per task type, how many could take a job now")
            .WithDescription("Counts workers heard from within WORKER_TTL_SECONDS, the built-in one included; idle counts add up.");

    public static async Task<Ok<CapabilitiesResponse>> Handle(WorkerTable workers, CancellationToken ct)
    {
        var live = await workers.LiveAsync(ct);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var worker in live)
            foreach (var task in worker.Capabilities)
                counts[task] = counts.GetValueOrDefault(task) + worker.IdleCount;
        return TypedResults.Ok(new CapabilitiesResponse(live.Count, counts));
    }
}
