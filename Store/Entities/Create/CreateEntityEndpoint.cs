using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Store.Auth;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Media;

namespace Store.Entities.Create;

public static class CreateEntityEndpoint
{
    static readonly CreateEntityValidator Validator = new();

    public static void MapCreateEntity(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/entities", Handle)
            .RequireAccess(Access.EntityWrite)
            .DocumentsBody<CreateEntityRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("CreateEntity")
            .WithSummary("Create a collection or upload a media item")
            .WithDescription("Same content as an existing entity creates nothing and answers 200 with that entity.");

    public static async Task<Results<Created<Entity>, Ok<Entity>, UnprocessableEntity<ValidationErrorBody>, UnprocessableEntity<ErrorBody>>> Handle(
        HttpContext context, Db db, EntityFiles files, CancellationToken ct)
    {
        await using var form = await MultipartForm.ReadAsync(context.Request, files.TempDir, ct);
        var input = EntityForm.From(form);
        var validation = Validator.Validate(input);
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

        MediaInfo? info = null;
        if (input.Image is { } image)
        {
            var (inspected, problem) = await files.InspectAsync(image, ct);
            if (inspected is null) return Errors.Unprocessable(problem!);
            info = inspected;
        }

        await using var connection = await db.OpenAsync(ct);
        // IMMEDIATE: the duplicate check and the insert must not interleave with another upload of the same file.
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        if (entity.ParentId is { } parentId && await Hierarchy.ParentProblemAsync(connection, tx, parentId, null) is { } parentProblem)
            return Errors.Unprocessable(parentProblem);

        if (info is not null && await CreateEntitySql.ByHashAsync(connection, tx, info.Hash) is { } existing)
            return TypedResults.Ok(existing);

        string? placed = null;
        try
        {
            if (info is not null)
            {
                placed = files.Store(context, input.Image!, info);
                entity = entity.WithMedia(info, now, placed, input.Image!.Md5);
            }
            var created = await CreateEntitySql.InsertAsync(connection, tx, entity);
            await tx.CommitAsync(ct);
            Events.ItemEvents.Stored(context, created);
            return TypedResults.Created($"/entities/{created.Id}", created);
        }
        catch
        {
            files.Remove(placed);
            throw;
        }
    }
}
