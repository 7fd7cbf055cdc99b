using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Store.Data;
using Store.Http;
using Store.Storage;

// Not "Store.Entities.File": a namespace named File would hide System.IO.File in every Store.Entities.* file.
namespace Store.Entities.FileDelivery;

public static class EntityFileEndpoint
{
    const string Pattern = "/{entity_id:long}/file";
    /// <summary>Today's CL clients load the file from here (contract section 8); only a collection is answered differently.</summary>
    const string MediaPattern = "/{entity_id:long}/media";

    public static void MapEntityFile(this ApiGroup routes)
    {
        routes.MapGet(Pattern, Handle)
            .ProducesStoredFile()
            .WithName("GetEntityFile")
            .WithSummary("Download the stored file of a media item")
            .WithDescription("Streams the file with its Content-Type and an ETag; supports Range (206, 416) and If-None-Match (304). `download=true` asks the browser to save it instead of showing it. HEAD gives the same headers without the body.");
        routes.MapHead(Pattern, Handle);

        routes.MapGet(MediaPattern, HandleMedia)
            .ProducesStoredFile()
            .WithName("GetEntityMedia")
            .WithSummary("Download the stored file of a media item, as today's CL clients ask for it")
            .WithDescription("The same answer as GET /entities/{id}/file (Range, ETag, 304, HEAD), except 400 for a collection.");
        routes.MapHead(MediaPattern, HandleMedia);
    }

    /// <summary>The body is the stored file in its own type (image/jpeg, video/mp4…); octet-stream stands for all of them.</summary>
    static RouteHandlerBuilder ProducesStoredFile(this RouteHandlerBuilder builder) => builder
        .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
        .Produces<Stream>(StatusCodes.Status206PartialContent, "application/octet-stream")
        .Produces(StatusCodes.Status304NotModified)
        .Produces(StatusCodes.Status416RangeNotSatisfiable);

    /// <summary>HEAD shares the handler (the file result writes no body for it) but not the OpenAPI operation id.</summary>
    static void MapHead(this ApiGroup routes, string pattern, Delegate handler) =>
        routes.MapMethods(pattern, [HttpMethods.Head], handler)
            .ExcludeFromDescription();

    public static Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound<ErrorBody>, BadRequest<ErrorBody>>> HandleMedia(
        long entity_id, bool? download, HttpContext context, Db db, MediaStorage storage, CancellationToken ct) =>
        Serve(entity_id, download, collectionIsBadRequest: true, context, db, storage, ct);

    public static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound<ErrorBody>>> Handle(
        long entity_id, bool? download, HttpContext context, Db db, MediaStorage storage, CancellationToken ct) =>
        await Serve(entity_id, download, collectionIsBadRequest: false, context, db, storage, ct) switch
        {
            { Result: PhysicalFileHttpResult file } => file,
            { Result: FileStreamHttpResult stream } => stream,
            { Result: NotFound<ErrorBody> notFound } => notFound,
            var other => throw new InvalidOperationException($"/file never answers {other.Result}"),
        };

    static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound<ErrorBody>, BadRequest<ErrorBody>>> Serve(
        long entity_id, bool? download, bool collectionIsBadRequest, HttpContext context, Db db, MediaStorage storage, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var stored = await EntityFileSql.ByIdAsync(connection, entity_id);
        if (stored is null) return Errors.NotFound("Entity not found");
        if (stored.IsCollection && collectionIsBadRequest) return TypedResults.BadRequest(new ErrorBody("Entity is a collection"));
        if (string.IsNullOrEmpty(stored.FilePath)) return Errors.NotFound("Entity has no file");

        if (storage.Bucket is { } bucket) return await FromBucketAsync(bucket, stored, download, context, ct);
        var file = new FileInfo(storage.FullPath(stored.FilePath));
        if (!file.Exists) return Errors.NotFound("File not found");

        SetDisposition(context, stored, download);
        // The content hash alone is not enough: a re-saved picture keeps its pixel hash but not its bytes.
        var tag = Tag(stored, file.Length, file.LastWriteTimeUtc.Ticks);
        return TypedResults.PhysicalFile(file.FullName, stored.MimeType ?? "application/octet-stream",
            lastModified: file.LastWriteTimeUtc, entityTag: tag, enableRangeProcessing: true);
    }

    /// <summary>
    /// The same answer from a bucket: ASP.NET's own file result over a seekable stream of the object, so Range, 206,
    /// 416, 304 and HEAD follow the very rules they follow for a local file; only the bytes asked for are fetched.
    /// </summary>
    static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound<ErrorBody>, BadRequest<ErrorBody>>> FromBucketAsync(
        IObjectStore bucket, StoredFile stored, bool? download, HttpContext context, CancellationToken ct)
    {
        var info = await bucket.HeadAsync(stored.FilePath!, ct);
        if (info is null) return Errors.NotFound("File not found");
        SetDisposition(context, stored, download);
        return TypedResults.Stream(ObjectReadStream.For(context.Request, bucket, stored.FilePath!, info.Length), stored.MimeType ?? "application/octet-stream",
            lastModified: info.LastModified, entityTag: Tag(stored, info.Length, info.LastModified.UtcTicks), enableRangeProcessing: true);
    }

    static void SetDisposition(HttpContext context, StoredFile stored, bool? download)
    {
        var disposition = new ContentDispositionHeaderValue(download == true ? "attachment" : "inline");
        disposition.SetHttpFileName(DownloadName(stored));
        context.Response.Headers.ContentDisposition = disposition.ToString();
    }

    static EntityTagHeaderValue Tag(StoredFile stored, long length, long ticks) => new($"\"{Prefix(stored.Md5)}-{length:x}-{ticks:x}\"");

    static string Prefix(string? hash) => string.IsNullOrEmpty(hash) ? "0" : hash[..Math.Min(32, hash.Length)];

    /// <summary>The label as a file name (with the extension added when it lacks it), else the id.</summary>
    static string DownloadName(StoredFile stored)
    {
        var extension = string.IsNullOrEmpty(stored.Extension) ? "" : "." + stored.Extension;
        var label = new string((stored.Label ?? "").Where(c => !char.IsControl(c) && c is not ('/' or '\\' or '"')).ToArray()).Trim();
        if (label.Length == 0) return stored.Id + extension;
        return label.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? label : label + extension;
    }
}
