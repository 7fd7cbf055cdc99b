using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Media;

namespace Store.Entities.Create;

public static class CreateEntityEndpoint
{
    static readonly CreateEntityValidator Validator = new();

    public static void MapCreateEntity(this ApiGroup routes) =>
        routes.MapPost("", Handle)
            .DocumentsBody<CreateEntityRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("CreateEntity")
            .WithSummary("Create a collection or upload a media item")
            .WithDescription("Same content as an existing entity creates nothing and answers 200 with that entity.");

    public static async Task<Results<Created<Entity>, Ok<Entity>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        HttpContext context, Db db, WriteBatch batch, EntityFiles files, TimeProvider clock, CancellationToken ct)
    {
        await using var form = await MultipartForm.ReadAsync(context.Request, files.TempDir, ct);
        var input = EntityForm.From(form);
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var entity = new Entity
        {
            IsCollection = input.Collection,
            Label = input.Label,
            Description = input.Description,
            ParentId = input.Parent,
            AddedDate = now,
            UpdatedDate = now,
            CreateDate = now,
            AddedBy = context.CallerId(),
            UpdatedBy = context.CallerId(),
        };

        MediaInfo? info = null;
        if (input.Image is { } image)
        {
            var (inspected, problem) = await files.InspectAsync(image, ct);
            if (inspected is null) return Errors.Unprocessable(problem!);
            info = inspected;
        }

        // A collection is SQL alone: it shares its commit with the other writes that wait for the lock at the same moment.
        if (info is null)
        {
            var (collection, problem) = await batch.RunAsync(async unit =>
            {
                if (entity.ParentId is { } parent && await Hierarchy.ParentProblemAsync(unit.Connection, unit.Transaction, parent, null) is { } parentProblem)
                    return ((Entity?)null, parentProblem);
                var row = await EntityTable.InsertAsync(unit.Connection, unit.Transaction, entity);
                await unit.CommitAsync(ct);
                return (row, (string?)null);
            }, ct);
            if (problem is not null) return Errors.Unprocessable(problem);
            Events.ItemEvents.Stored(context, collection!);
            return TypedResults.Created($"/entities/{collection!.Id}", collection);
        }

        // The duplicate check and the insert rely on the unit holding the hash: another upload of the same file waits
        // for it (SQLite's write lock; on PostgreSQL the hash's own lock, and ON CONFLICT in the insert). With a bucket
        // on SQLite the put goes first, under this process's hold on the hash, and the write lock is taken only for the
        // row (EntityFiles.PutsBeforeUnit): an upload of the same content waits for the hold, then finds this row.
        using var hold = info is not null && files.PutsBeforeUnit(db.Kind) ? await files.HoldAsync(info.Hash, ct) : null;
        string? placed = null;
        if (hold is not null)
        {
            // The unit's checks, in its order, before the put; the unit makes the parent's again.
            await using (var read = await db.OpenAsync(ct))
            {
                if (entity.ParentId is { } parent && await Hierarchy.ParentProblemAsync(read, null, parent, null) is { } problem)
                    return Errors.Unprocessable(problem);
                if (await EntityTable.ByHashAsync(read, info!.Hash) is { } existing) return TypedResults.Ok(existing);
            }
            placed = await files.StoreAsync(context, input.Image!, info, ct);
        }

        // A file stored already goes again with the unit: a parent that is gone, or a failed commit, leaves no object.
        await using var unit = await files.BeginWriteAsync(db, placed, ct);
        if (entity.ParentId is { } parentId && await Hierarchy.ParentProblemAsync(unit.Connection, unit.Transaction, parentId, null) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        if (info is not null && hold is null)
        {
            await EntityTable.HoldHashAsync(unit.Connection, unit.Transaction, info.Hash);
            if (await EntityTable.ByHashAsync(unit.Connection, info.Hash, unit.Transaction) is { } existing)
                return TypedResults.Ok(existing);
            placed = await files.StoreAsync(context, input.Image!, info, ct);
            unit.RemoveOnRollback(() => files.Remove(placed));
        }
        if (info is not null) entity = entity.WithMedia(info, now, placed!, input.Image!.Md5);
        if (await EntityTable.InsertAsync(unit.Connection, unit.Transaction, entity) is not { } created)
        {
            // PostgreSQL only, and only if a writer committed this content without holding its hash: answer that row.
            // A file placed on the path that row names is its file now (the same bytes), so the unit keeps it.
            var winner = (await EntityTable.ByHashAsync(unit.Connection, info!.Hash, unit.Transaction))!;
            if (winner.FilePath == entity.FilePath) await unit.CommitAsync(ct);
            return TypedResults.Ok(winner);
        }
        await unit.CommitAsync(ct);
        Events.ItemEvents.Stored(context, created);
        return TypedResults.Created($"/entities/{created.Id}", created);
    }
}
