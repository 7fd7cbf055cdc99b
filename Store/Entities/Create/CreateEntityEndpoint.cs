using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.Create;

public static class CreateEntityEndpoint
{
    public static void MapCreateEntity(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/entities", Handle)
            .RequireAccess(Access.EntityWrite)
            .DocumentsBody<CreateEntityRequest>("multipart/form-data")
            .WithName("CreateEntity")
            .WithSummary("Create a collection or upload a media item")
            .WithDescription("Same content as an existing entity creates nothing and answers 200 with that entity.");

    public static async Task<Results<Created<Entity>, Ok<Entity>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        HttpContext context, Db db, EntityFiles files, CancellationToken ct)
    {
        await using var form = await MultipartForm.ReadAsync(context.Request, files.TempDir, ct);
        var input = CreateEntityForm.From(form);
        var validation = new CreateEntityValidator().Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        var now = files.Now();
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

        if (input.Image is { } image)
        {
            var (info, problem) = await files.InspectAsync(image, ct);
            if (info is null) return Errors.Unprocessable(problem!);
            entity = entity with
            {
                CreateDate = info.CaptureTime ?? now,
                FileSize = info.FileSize,
                Width = info.Width,
                Height = info.Height,
                Duration = info.Duration,
                MimeType = info.MimeType,
                Type = info.Type,
                Extension = info.Extension,
                Md5 = info.Hash,
            };
        }

        await using var connection = await db.OpenAsync(ct);
        // IMMEDIATE: the duplicate check and the insert must not interleave with another upload of the same file.
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        if (entity.ParentId is { } parentId && await Hierarchy.ParentProblemAsync(connection, tx, parentId, null) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        if (entity.Md5 is { } hash && await CreateEntitySql.ByHashAsync(connection, tx, hash) is { } existing)
            return TypedResults.Ok(existing);

        string? placed = null;
        try
        {
            if (input.Image is { } upload) entity = entity with { FilePath = placed = files.Store(upload, entity.Md5!, entity.Extension) };
            var created = await CreateEntitySql.InsertAsync(connection, tx, entity);
            await tx.CommitAsync(ct);
            return TypedResults.Created($"/entities/{created.Id}", created);
        }
        catch
        {
            files.Remove(placed);
            throw;
        }
    }
}
