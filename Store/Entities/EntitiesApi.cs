using Store.Entities.Create;
using Store.Entities.Delete;
using Store.Entities.DeleteAll;
using Store.Entities.FileDelivery;
using Store.Entities.Get;
using Store.Entities.List;
using Store.Entities.Lookup;
using Store.Entities.Patch;
using Store.Entities.Preview;
using Store.Entities.Replace;
using Store.Entities.Versions;

namespace Store.Entities;

/// <summary>
/// The /entities routes, in the order the OpenAPI document lists them. Each slice declares its full path and its
/// access rule on its own route (the README's layout section says why not here).
/// </summary>
public static class EntitiesApi
{
    public static void MapEntitiesApi(this IEndpointRouteBuilder app)
    {
        var entities = app.MapGroup("").WithTags("Entities");
        entities.MapListEntities();
        entities.MapGetEntity();
        entities.MapLookupEntity();
        entities.MapEntityFile();
        entities.MapEntityPreview();
        entities.MapCreateEntity();
        entities.MapReplaceEntity();
        entities.MapPatchEntity();
        entities.MapDeleteEntity();
        entities.MapDeleteAllEntities();
        entities.MapListVersions();
    }
}
