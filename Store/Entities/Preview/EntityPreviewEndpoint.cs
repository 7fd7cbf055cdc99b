using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Media;
using Store.Storage;

namespace Store.Entities.Preview;

public static class EntityPreviewEndpoint
{
    const string Pattern = "/{entity_id:long}/preview";
    static readonly EntityPreviewValidator Validator = new();

    public static void MapEntityPreview(this ApiGroup routes)
    {
        routes.MapGet(Pattern, Handle)
            .Produces<Stream>(StatusCodes.Status200OK, "image/webp")
            .Produces(StatusCodes.Status304NotModified)
            .WithName("GetEntityPreview")
            .WithSummary("A small picture of an image or video")
            .WithDescription("WebP, the long edge 256 px (`size=large`: 1440 px), aspect kept, never enlarged, turned upright. A strong ETag and `Cache-Control: no-cache`: keep it and revalidate (304), since PUT may bring a new file under the same URL. `force=1` is accepted: a missing preview is always made. 400 for a collection, 404 for audio, text and other files. HEAD gives the same headers without the body.");
        routes.MapMethods(Pattern, [HttpMethods.Head], Handle)
            .ExcludeFromDescription();
    }

    public static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, BadRequest<ErrorBody>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        long entity_id, string? size, string? force, HttpContext context, Db db, EntityPreviews previews, MediaStorage storage, CancellationToken ct)
    {
        var query = new EntityPreviewQuery(size);
        var validation = Validator.Validate(query);
        if (!validation.IsValid) return Errors.Validation(validation, "query");

        Row? row;
        await using (var connection = await db.OpenAsync(ct))
            row = await connection.QuerySingleOrDefaultAsync<Row>(
                "SELECT id, is_collection, file_path, type, mime_type, md5 FROM entities WHERE id = @entity_id", new { entity_id });
        if (row is null) return Errors.NotFound("Entity not found");
        if (row.IsCollection) return TypedResults.BadRequest(new ErrorBody("Entity is a collection"));
        if (string.IsNullOrEmpty(row.FilePath) || !PreviewSources.Previewable(row.Type, row.MimeType))
            return Errors.NotFound("No preview for this entity");

        var target = new PreviewTarget(row.Id, row.FilePath, row.Type!, row.MimeType!);
        if (storage.Bucket is { } bucket) return await FromBucketAsync(bucket, previews, target, row, query.PreviewSize, context, ct);
        var file = new FileInfo(previews.FullPath(target, query.PreviewSize));
        if (!await previews.HasAsync(target, query.PreviewSize, ct))
        {
            if (!await MakeAsync(previews, target, ct)) return Errors.NotFound("No preview for this entity");
            file.Refresh();
            if (!file.Exists) return Errors.NotFound("No preview for this entity");
        }

        // Strong: the bytes of this preview file. A new file (PUT) or a remade preview changes it; a client's copy is revalidated every time.
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(file.FullName, "image/webp", lastModified: file.LastWriteTimeUtc,
            entityTag: Tag(row, query.PreviewSize, file.Length, file.LastWriteTimeUtc.Ticks));
    }

    /// <summary>The same answer from a bucket, through ASP.NET's file result over the object (see GetEntityFile).</summary>
    static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, BadRequest<ErrorBody>, NotFound<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> FromBucketAsync(
        IObjectStore bucket, EntityPreviews previews, PreviewTarget target, Row row, PreviewSize size, HttpContext context, CancellationToken ct)
    {
        var key = EntityPreviews.Key(target, size);
        var info = await bucket.HeadAsync(key, ct);
        if (info is null)
        {
            if (!await MakeAsync(previews, target, ct)) return Errors.NotFound("No preview for this entity");
            info = await bucket.HeadAsync(key, ct);
            if (info is null) return Errors.NotFound("No preview for this entity");
        }
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Stream(ObjectReadStream.For(context.Request, bucket, key, info.Length), "image/webp", lastModified: info.LastModified,
            entityTag: Tag(row, size, info.Length, info.LastModified.UtcTicks));
    }

    static async Task<bool> MakeAsync(EntityPreviews previews, PreviewTarget target, CancellationToken ct)
    {
        try { return await previews.EnsureAsync(target, ct); }
        catch (MediaToolException e)
        {
            throw new ClientError(StatusCodes.Status503ServiceUnavailable, "The preview could not be made now: " + e.Message);
        }
    }

    static EntityTagHeaderValue Tag(Row row, PreviewSize size, long length, long ticks) =>
        new($"\"{row.Md5?[..Math.Min(32, row.Md5.Length)]}-{(int)size}-{length:x}-{ticks:x}\"");

    sealed class Row
    {
        public long Id { get; init; }
        public bool IsCollection { get; init; }
        public string? FilePath { get; init; }
        public string? Type { get; init; }
        public string? MimeType { get; init; }
        public string? Md5 { get; init; }
    }
}
