using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Get;

public static class GetEntityEndpoint
{
    const string Pattern = "/entities/{entity_id:long}";

    public static void MapGetEntity(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Pattern, Handle)
            .RequireAccess(Access.EntityRead)
            .WithName("GetEntity")
            .WithSummary("Read one entity, or one of its versions")
            .WithDescription("A soft-deleted entity is still returned, with is_deleted true. `version=N` returns it as it was at version N. HEAD answers the same status and headers without the body.");
        // HEAD lets a client ask whether an entity exists cheaply; Kestrel drops the body, and the operation id stays GET's.
        routes.MapMethods(Pattern, [HttpMethods.Head], Handle).RequireAccess(Access.EntityRead).ExcludeFromDescription();
    }

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        long entity_id, int? version, Db db, CancellationToken ct)
    {
        var validation = new GetEntityValidator().Validate(new GetEntityQuery(version));
        if (!validation.IsValid) return Errors.Validation(validation, "query");
        await using var connection = await db.OpenAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Entity>(
            "SELECT * FROM entities WHERE id = @entity_id", new { entity_id });
        if (current is null) return Errors.NotFound("Entity not found");
        if (version is null) return TypedResults.Ok(current);

        var past = await connection.QuerySingleOrDefaultAsync<EntityVersion>(
            "SELECT * FROM entity_versions WHERE id = @entity_id AND version = @version", new { entity_id, version });
        return past is null ? Errors.NotFound($"Version {version} of entity {entity_id} not found") : TypedResults.Ok(past.AsEntity());
    }
}
