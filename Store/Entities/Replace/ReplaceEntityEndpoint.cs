using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Media;

namespace Store.Entities.Replace;

public static class ReplaceEntityEndpoint
{
    static readonly ReplaceEntityValidator Validator = new();

    public static void MapReplaceEntity(this IEndpointRouteBuilder routes) =>
        routes.MapPut("/entities/{entity_id:long}", Handle)
            .RequireAccess(Access.EntityWrite)
            .DocumentsBody<ReplaceEntityRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("ReplaceEntity")
            .WithSummary("Replace an entity's fields, and for a media item optionally its file")
            .WithDescription("description and parent_id take the values sent (absent means null). A new file equal to another entity's content answers 409.");

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        long entity_id, HttpContext context, Db db, EntityFiles files, CancellationToken ct)
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

        await using var connection = await db.OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var current = await ReplaceEntitySql.ByIdAsync(connection, tx, entity_id);
        if (current is null) return Errors.NotFound("Entity not found");
        if (current.IsCollection != input.Collection)
            return Errors.Unprocessable("is_collection cannot change: this entity is " + (current.IsCollection ? "a collection" : "a media item"));
        if (input.Parent is { } parentId && await Hierarchy.ParentProblemAsync(connection, tx, parentId, entity_id) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        var now = files.Now();
        var updated = current with
        {
            Label = input.Label,
            Description = input.Description,
            ParentId = input.Parent,
            UpdatedDate = now,
            UpdatedBy = context.CallerId(),
        };

        string? placed = null;
        try
        {
            if (info is not null)
            {
                if (await ReplaceEntitySql.HolderOfHashAsync(connection, tx, info.Hash, entity_id) is { } holder)
                    return Errors.Conflict($"Duplicate of entity {holder}");
                placed = files.Store(context, input.Image!, info);
                updated = updated.WithMedia(info, now, placed, input.Image!.Md5);
            }
            var saved = await ReplaceEntitySql.UpdateAsync(connection, tx, updated);
            // The old file is set aside under the write lock and purged once the new row is durable;
            // the same content at the same path is simply kept.
            var removal = placed is not null && current.FilePath != placed ? files.SetAside(current.FilePath) : null;
            try { await tx.CommitAsync(ct); }
            catch { removal?.Undo(); throw; }
            removal?.Complete();
            if (info is not null) Events.ItemEvents.Stored(context, saved);
            return TypedResults.Ok(saved);
        }
        catch
        {
            if (placed is not null && placed != current.FilePath) files.Remove(placed);
            throw;
        }
    }
}
