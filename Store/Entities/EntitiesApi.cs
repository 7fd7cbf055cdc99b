using Store.Auth;
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
using Store.Http;

namespace Store.Entities;

/// <summary>The /entities routes, in the order the OpenAPI document lists them: reads and writes under their two rules.</summary>
public static class EntitiesApi
{
    public static void MapEntitiesApi(this IEndpointRouteBuilder app)
    {
        var entities = ApiArea.Map(app, "/entities", "Entities");
        var reads = entities.Group(Access.EntityRead);
        var writes = entities.Group(Access.EntityWrite);
        reads.MapListEntities();
        reads.MapGetEntity();
        reads.MapLookupEntity();
        reads.MapEntityFile();
        reads.MapEntityPreview();
        writes.MapCreateEntity();
        writes.MapReplaceEntity();
        writes.MapPatchEntity();
        writes.MapDeleteEntity();
        writes.MapDeleteAllEntities();
        reads.MapListVersions();
    }
}
