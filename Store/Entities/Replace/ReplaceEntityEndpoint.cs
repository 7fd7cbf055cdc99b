using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Media;

namespace Store.Entities.Replace;

public static class ReplaceEntityEndpoint
{
    static readonly ReplaceEntityValidator Validator = new();

    public static void MapReplaceEntity(this ApiGroup routes) =>
        routes.MapPut("/{entity_id:long}", Handle)
            .DocumentsBody<ReplaceEntityRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("ReplaceEntity")
            .WithSummary("Replace an entity's fields, and for a media item optionally its file")
            .WithDescription("description and parent_id take the values sent (absent means null). A new file equal to another entity's content answers 409.");

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        long entity_id, HttpContext context, Db db, EntityFiles files, TimeProvider clock, CancellationToken ct)
    {
        await using var form = await MultipartForm.ReadAsync(context.Request, files.TempDir, ct);
        var input = EntityForm.From(form);
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        MediaInfo? info = null;
        if (input.Image is { } image)
        {
            var (inspected, problem) = await files.InspectAsync(image, ct);
            if (inspected is null) return Errors.Unprocessable(problem!);
            info = inspected;
        }

        // The duplicate check relies on the unit holding the hash, as on create; with a bucket on SQLite the new file
        // goes up before the write lock, under this process's hold on the hash (EntityFiles.PutsBeforeUnit), unless it
        // is the entity's own content: that may be the very key its row names until the commit, so it goes up inside.
        using var hold = info is not null && files.PutsBeforeUnit(db.Kind) ? await files.HoldAsync(info.Hash, ct) : null;
        string? early = null;
        if (hold is not null)
        {
            // The unit's checks, in its order, before the put: a request the unit would refuse puts nothing.
            Entity? seen;
            string? refused = null;
            long? holder;
            await using (var read = await db.OpenAsync(ct))
            {
                seen = await EntityTable.ByIdAsync(read, entity_id);
                if (seen is not null && input.Parent is { } newParent)
                    refused = await Hierarchy.ParentProblemAsync(read, null, newParent, entity_id);
                holder = await ReplaceEntitySql.HolderOfHashAsync(read, null, info!.Hash, entity_id);
            }
            if (seen is not null && seen.IsCollection == input.Collection && refused is null)
            {
                if (holder is not null) return Errors.Conflict($"Duplicate of entity {holder}");
                if (seen.Md5 != info.Hash) early = await files.StoreAsync(context, input.Image!, info, ct);
            }
        }

        await using var unit = await files.BeginWriteAsync(db, early, ct);
        var current = await EntityTable.ForWriteAsync(unit.Connection, unit.Transaction, entity_id);
        if (current is null) return Errors.NotFound("Entity not found");
        if (current.IsCollection != input.Collection)
            return Errors.Unprocessable("is_collection cannot change: this entity is " + (current.IsCollection ? "a collection" : "a media item"));
        if (input.Parent is { } parentId && await Hierarchy.ParentProblemAsync(unit.Connection, unit.Transaction, parentId, entity_id) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var updated = current with
        {
            Label = input.Label,
            Description = input.Description,
            ParentId = input.Parent,
            UpdatedDate = now,
            UpdatedBy = context.CallerId(),
        };

        if (info is not null)
        {
            if (early is null)
            {
                await EntityTable.HoldHashAsync(unit.Connection, unit.Transaction, info.Hash);
                if (await ReplaceEntitySql.HolderOfHashAsync(unit.Connection, unit.Transaction, info.Hash, entity_id) is { } holder)
                    return Errors.Conflict($"Duplicate of entity {holder}");
            }
            var placed = early ?? await files.StoreAsync(context, input.Image!, info, ct);
            updated = updated.WithMedia(info, now, placed, input.Image!.Md5);
            // The same content lands on the same path: then the stored file is simply kept.
            if (placed != current.FilePath)
            {
                if (early is null) unit.RemoveOnRollback(() => files.Remove(placed));
                // The old file goes aside under the write lock and is purged once the new row is durable.
                unit.RemoveAfterCommit(files.SetAside(current.FilePath));
            }
        }
        var saved = await EntityTable.UpdateAsync(unit.Connection, unit.Transaction, updated,
            [.. EntityTable.Fields, .. EntityTable.Stamp, .. EntityTable.Media]);
        await unit.CommitAsync(ct);
        if (info is not null) Events.ItemEvents.Stored(context, saved);
        return TypedResults.Ok(saved);
    }
}
