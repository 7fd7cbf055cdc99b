using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Versions;

public static class ListVersionsEndpoint
{
    public static void MapListVersions(this ApiGroup routes) =>
        routes.MapGet("/{entity_id:long}/versions", Handle)
            .WithName("ListEntityVersions")
            .WithSummary("Every version of an entity, oldest first")
            .WithDescription("Written by SQL triggers on every create, replace, patch and delete. A hard-deleted entity's history is kept but not served.");

    public static async Task<Results<Ok<IReadOnlyList<EntityVersion>>, NotFound<ErrorBody>>> Handle(long entity_id, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE id = @entity_id", new { entity_id });
        if (exists == 0) return Errors.NotFound("Entity not found");
        var versions = await connection.QueryAsync<EntityVersion>(
            "SELECT * FROM entity_versions WHERE id = @entity_id ORDER BY version", new { entity_id });
        return TypedResults.Ok<IReadOnlyList<EntityVersion>>(versions.AsList());
    }
}
