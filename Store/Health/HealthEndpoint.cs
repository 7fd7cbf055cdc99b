using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;

namespace Store.Health;

public sealed record HealthBody(string Status, string Service, string Version);

public static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/", Handle)
            .RequireAccess(Access.Public)
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("Service health");

    public static Ok<HealthBody> Handle() => TypedResults.Ok(new HealthBody("healthy", "CoLAN Store Server", "v1"));
}
