using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Patch;

public static class PatchEntityEndpoint
{
    public static void MapPatchEntity(this IEndpointRouteBuilder routes) =>
        routes.MapPatch("/entities/{entity_id:long}", Handle)
            .RequireAccess(Access.EntityWrite)
            .Accepts<PatchEntityRequest>("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("PatchEntity")
            .WithSummary("Change only the fields sent; is_deleted=true is the soft delete")
            .WithDescription("JSON as {\"label\": ...} or {\"body\": {...}}, or a form. An explicit null clears a field.");

    public static async Task<Results<Ok<Entity>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        long entity_id, HttpContext context, Db db, EntityFiles files, CancellationToken ct)
    {
        var input = await ReadAsync(context.Request, files.TempDir, ct);
        if (input is null) return Errors.Validation("body", "body", "Body should be a JSON object or a form", "model_attributes_type");
        var validation = new PatchEntityValidator().Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        await using var connection = await db.OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var current = await PatchEntitySql.ByIdAsync(connection, tx, entity_id);
        if (current is null) return Errors.NotFound("Entity not found");
        if (input.ParentId.Sent && input.Parent is { } parentId
            && await Hierarchy.ParentProblemAsync(connection, tx, parentId, entity_id) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        var patched = current with
        {
            Label = input.Label.Sent ? input.Label.Text : current.Label,
            Description = input.Description.Sent ? input.Description.Text : current.Description,
            ParentId = input.ParentId.Sent ? input.Parent : current.ParentId,
            IsDeleted = input.IsDeleted.Sent ? input.Deleted : current.IsDeleted,
            UpdatedDate = files.Now(),
            UpdatedBy = context.CallerId(),
        };
        var saved = await PatchEntitySql.UpdateAsync(connection, tx, patched);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(saved);
    }

    /// <summary>Null when the body is neither a JSON object nor a form (malformed JSON included).</summary>
    static async Task<PatchEntityInput?> ReadAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        if (MultipartForm.IsMultipart(request))
        {
            await using var form = await MultipartForm.ReadAsync(request, tempDir, ct);
            return PatchEntityInput.FromForm(new MultipartFormLike(form.Fields.ToDictionary(f => f.Key, f => f.Value[^1])));
        }
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                return PatchEntityInput.FromForm(new MultipartFormLike(form.ToDictionary(f => f.Key, f => f.Value.ToString())));
            }
            catch (InvalidDataException)
            {
                // Beyond the form reader's limits (key length, value count): the client's mistake, not a fault.
                return null;
            }
        }
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return json.RootElement.ValueKind == JsonValueKind.Object ? PatchEntityInput.FromJson(json.RootElement.Clone()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
