using Store.Auth;
using Store.Health.Live;
using Store.Health.Ready;
using Store.Http;

namespace Store.Health;

/// <summary>The service root's health answer and the /health probes, open to every caller.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        ApiArea.Map(app, "", "Health").Group(Access.Public).MapHealth();
        var probes = ApiArea.Map(app, "/health", "Health").Group(Access.Public);
        probes.MapLive();
        probes.MapReady();
    }
}
