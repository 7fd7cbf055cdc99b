using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;

namespace Store.Health.Ready;

/// <summary>One check: "ok" or "failed", what was found, and the free space where a folder was checked.</summary>
public sealed record ReadyCheck(string Status, string Detail, long? FreeBytes = null);

/// <summary>"ready" when every check is ok, else "not_ready".</summary>
public sealed record ReadyBody(string Status, IReadOnlyDictionary<string, ReadyCheck> Checks);

public static class ReadyEndpoint
{
    public static void MapReady(this ApiGroup routes) =>
        routes.MapGet("/ready", Handle)
            .WithName("Ready")
            .WithSummary("Whether the service can take uploads now")
            .WithDescription("Checks database (opens and takes a write), media and jobs (writable, free_bytes), exiftool, ffprobe "
                + "and public_key (loaded, when auth needs one). 503 with the same body when any check failed.")
            .Produces<ReadyBody>(StatusCodes.Status503ServiceUnavailable);

    public static async Task<Results<Ok<ReadyBody>, JsonHttpResult<ReadyBody>>> Handle(ReadinessChecks checks, CancellationToken ct)
    {
        var results = await checks.RunAsync(ct);
        var ready = results.Values.All(c => c.Status == ReadinessChecks.Ok);
        var body = new ReadyBody(ready ? "ready" : "not_ready", results);
        return ready ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
