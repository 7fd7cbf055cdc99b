using Store.Health.Live;
using Store.Health.Ready;

namespace Store.Health;

/// <summary>The service root's health answer and the /health probes.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealth();
        app.MapLive();
        app.MapReady();
    }
}
