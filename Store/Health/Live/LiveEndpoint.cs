using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;

namespace Store.Health.Live;

public sealed record LiveBody(string Status);

public static class LiveEndpoint
{
    public static void MapLive(this ApiGroup routes) =>
        routes.MapGet("/live", Handle)
            .WithName("Live")
            .WithSummary("The process answers")
            .WithDescription("Always 200 while the service runs; it looks at nothing else (see /health/ready).");

    public static Ok<LiveBody> Handle() => TypedResults.Ok(new LiveBody("alive"));
}
