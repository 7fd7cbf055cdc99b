using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Get;

public static class GetEntityEndpoint
{
    const string Pattern = "/{entity_id:long}";
    static readonly GetEntityValidator Validator = new();

    public static void MapGetEntity(this ApiGroup routes)
    {
        routes.MapGet(Pattern, Handle)
            .WithName("GetEntity")
            .WithSummary("Read one entity, or one of its versions")
            .WithDescription("A soft-deleted entity is still returned, with is_deleted true. `version=N` returns it as it was at version N. HEAD answers the same status and headers without the body.");
        // HEAD lets a client ask whether an entity exists cheaply; Kestrel drops the body, and the operation id stays GET's.
        routes.MapMethods(Pattern, [HttpMethods.Head], Handle).ExcludeFromDescription();
    }

    public static async Task<Results<OkJson<Entity>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        long entity_id, int? version, Db db, CancellationToken ct)
    {
        if (version is not null)
        {
            var validation = Validator.Validate(new GetEntityQuery(version));
            if (!validation.IsValid) return Errors.Validation(validation, "query");
        }
        await using var read = await db.OpenReadAsync(ct);
        if (version is null)
        {
            var current = await EntityTable.ReadByIdAsync(read, entity_id);
            return current is null ? Errors.NotFound("Entity not found") : OkJson.Of(current, EntityJson.Writer);
        }

        // One query tells an unknown entity (no row) from a missing version (a row without history columns).
        var past = await read.Connection.QuerySingleOrDefaultAsync<EntityVersion>(
            """
            SELECT v.* FROM entities e LEFT JOIN entity_versions v ON v.id = e.id AND v.version = @version
            WHERE e.id = @entity_id
            """, new { entity_id, version });
        if (past is null) return Errors.NotFound("Entity not found");
        return past.Version == 0 ? Errors.NotFound($"Version {version} of entity {entity_id} not found") : OkJson.Of(past.AsEntity(), EntityJson.Writer);
    }
}
