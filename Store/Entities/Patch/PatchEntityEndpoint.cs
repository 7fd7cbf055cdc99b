using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Storage;

namespace Store.Entities.Patch;

public static class PatchEntityEndpoint
{
    static readonly PatchEntityValidator Validator = new();

    public static void MapPatchEntity(this ApiGroup routes) =>
        routes.MapPatch("/{entity_id:long}", Handle)
            .DocumentsBody("application/json", typeof(PatchEntityRequest), typeof(PatchEntityWrappedRequest))
            .DocumentsBody<PatchEntityRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("PatchEntity")
            .WithSummary("Change only the fields sent; is_deleted=true is the soft delete")
            .WithDescription("JSON as {\"label\": ...} or {\"body\": {...}}, or a form. An explicit null clears a field.");

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        long entity_id, HttpContext context, WriteBatch batch, MediaStorage storage, TimeProvider clock, CancellationToken ct)
    {
        var input = PatchEntityInput.From(await JsonOrForm.ReadAsync(context.Request, storage.TempDir, ct));
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        // SQL alone: the patch shares its commit with the other writes that wait for the lock at the same moment.
        var (saved, missing, problem) = await batch.RunAsync(async unit =>
        {
            var current = await EntityTable.ForWriteAsync(unit.Connection, unit.Transaction, entity_id);
            if (current is null) return ((Entity?)null, true, (string?)null);
            if (input.ParentId.Sent && input.Parent is { } parentId
                && await Hierarchy.ParentProblemAsync(unit.Connection, unit.Transaction, parentId, entity_id) is { } parentProblem)
                return (null, false, parentProblem);

            var patched = current with
            {
                Label = input.Label.Sent ? input.Label.Text : current.Label,
                Description = input.Description.Sent ? input.Description.Text : current.Description,
                ParentId = input.ParentId.Sent ? input.Parent : current.ParentId,
                IsDeleted = input.IsDeleted.Sent ? input.Deleted : current.IsDeleted,
                UpdatedDate = clock.GetUtcNow().ToUnixTimeMilliseconds(),
                UpdatedBy = context.CallerId(),
            };
            var row = await EntityTable.UpdateAsync(unit.Connection, unit.Transaction, patched,
                [.. EntityTable.Fields, EntityTable.IsDeleted, .. EntityTable.Stamp]);
            await unit.CommitAsync(ct);
            return (row, false, null);
        }, ct);
        if (missing) return Errors.NotFound("Entity not found");
        if (problem is not null) return Errors.Unprocessable(problem);
        return TypedResults.Ok(saved!);
    }
}
