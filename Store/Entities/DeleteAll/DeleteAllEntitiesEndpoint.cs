using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Http;
using Store.Storage;

namespace Store.Entities.DeleteAll;

public static class DeleteAllEntitiesEndpoint
{
    public static void MapDeleteAllEntities(this ApiGroup routes)
    {
        routes.MapDelete("", Handle)
            .WithName("DeleteAllEntities")
            .WithSummary("Remove every entity and every stored file");
        routes.MapDelete("/collection", Handle)
            .WithName("DeleteCollection")
            .WithSummary("The seed's name for removing every entity and every stored file");
    }

    public static async Task<NoContent> Handle(Db db, MediaStorage storage, CancellationToken ct)
    {
        await using var unit = await db.BeginWriteAsync(ct);
        var (connection, tx) = (unit.Connection, unit.Transaction);
        // PostgreSQL: no entity may be written meanwhile (a child under a parent being removed), as under SQLite's write lock.
        if (unit.Kind == DbKind.Postgres) await connection.ExecuteAsync("LOCK TABLE entities IN SHARE ROW EXCLUSIVE MODE", transaction: tx);
        // The history trigger fires per row, so every removed entity keeps its delete version.
        var files = (await connection.QueryAsync<string>("SELECT file_path FROM entities WHERE file_path IS NOT NULL", transaction: tx)).AsList();
        await connection.ExecuteAsync("DELETE FROM entities", transaction: tx);
        // Only the files of the removed rows, set aside under the write lock (see MediaStorage.SetAside).
        unit.RemoveAfterCommit(storage.SetAside(files));
        await unit.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
