using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Http;
using Store.Storage;

namespace Store.Entities.Delete;

public static class DeleteEntityEndpoint
{
    static readonly DeleteEntityValidator Validator = new();

    public static void MapDeleteEntity(this ApiGroup routes) =>
        routes.MapDelete("/{entity_id:long}", Handle)
            .WithName("DeleteEntity")
            .WithSummary("Remove an entity and its file for good")
            .WithDescription("A collection with children answers 409 unless recursive=true, which removes the whole subtree and its files. " +
                             "A collection already soft-deleted (is_deleted=true) is removed with its whole subtree without recursive.");

    public static async Task<Results<NoContent, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        long entity_id, string? recursive, Db db, MediaStorage storage, CancellationToken ct)
    {
        var query = new DeleteEntityQuery(recursive);
        var validation = Validator.Validate(query);
        if (!validation.IsValid) return Errors.Validation(validation, "query");

        await using var unit = await db.BeginWriteAsync(ct);
        var (connection, tx) = (unit.Connection, unit.Transaction);
        var target = await DeleteEntitySql.KindAsync(connection, tx, entity_id);
        if (target is null) return Errors.NotFound("Entity not found");
        // The CL SDKs delete by soft-deleting first, then sending DELETE: a soft-deleted collection goes with its subtree.
        var deep = query.Deep || target.IsDeleted;
        if (target.IsCollection && !deep && await DeleteEntitySql.ChildCountAsync(connection, tx, entity_id) is var children and > 0)
            return Errors.Conflict($"Collection {entity_id} has {children} children; delete them first or pass recursive=true");

        var doomed = await DeleteEntitySql.SubtreeAsync(connection, tx, entity_id);
        foreach (var entity in doomed) await DeleteEntitySql.DeleteAsync(connection, tx, entity.Id);
        // Set aside under the write lock, purged after the commit: a failed delete keeps its files,
        // and a same-day re-upload of the same content cannot lose its file to this delete.
        unit.RemoveAfterCommit(storage.SetAside(doomed.Select(e => e.FilePath)));
        await unit.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
