using Store.Admin;
using Store.Compute;
using Store.Entities;
using Store.Health;
using Store.Integrity;

namespace Store.Hosting;

/// <summary>The route table: one line per area; each area's own table (EntitiesApi, ComputeApi ...) lists its slices.</summary>
public static class Routes
{
    public static void MapStore(this IEndpointRouteBuilder app)
    {
        app.MapHealthApi();
        app.MapEntitiesApi();
        app.MapComputeApi();
        app.MapAdminApi();
        app.MapSystemApi();
    }
}
