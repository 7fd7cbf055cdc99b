using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Get;

public static class GetEntityEndpoint
{
    public static void MapGetEntity(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/entities/{entity_id:long}", Handle)
            .RequireAccess(Access.EntityRead)
            .WithName("GetEntity")
            .WithSummary("Read one entity, or one of its versions")
            .WithDescription("A soft-deleted entity is still returned, with is_deleted true. `version=N` returns it as it was at version N.");

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        long entity_id, int? version, Db db, CancellationToken ct)
    {
        if (version is < 1) return Errors.Validation("query", "version", "Input should be greater than or equal to 1", "greater_than_equal");
        await using var connection = await db.OpenAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Entity>(
            "SELECT * FROM entities WHERE id = @entity_id", new { entity_id });
        if (current is null) return Errors.NotFound("Entity not found");
        if (version is null) return TypedResults.Ok(current);

        var past = await connection.QuerySingleOrDefaultAsync<EntityVersion>(
            "SELECT * FROM entity_versions WHERE id = @entity_id AND version = @version", new { entity_id, version });
        return past is null ? Errors.NotFound($"Version {version} of entity {entity_id} not found") : TypedResults.Ok(past.ToEntity());
    }
}
