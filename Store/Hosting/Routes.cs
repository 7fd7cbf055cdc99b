using Store.Entities.Create;
using Store.Entities.Delete;
using Store.Entities.DeleteAll;
using Store.Entities.FileDelivery;
using Store.Entities.Get;
using Store.Entities.List;
using Store.Entities.Patch;
using Store.Entities.Replace;
using Store.Entities.Versions;
using Store.Health;

namespace Store.Hosting;

/// <summary>The route table: one line per slice.</summary>
public static class Routes
{
    public static void MapStore(this IEndpointRouteBuilder app)
    {
        app.MapHealth();

        var entities = app.MapGroup("").WithTags("Entities");
        entities.MapListEntities();
        entities.MapGetEntity();
        entities.MapEntityFile();
        entities.MapCreateEntity();
        entities.MapReplaceEntity();
        entities.MapPatchEntity();
        entities.MapDeleteEntity();
        entities.MapDeleteAllEntities();
        entities.MapListVersions();
    }
}
