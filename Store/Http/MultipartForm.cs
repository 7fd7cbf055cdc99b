using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Store.Storage;

namespace Store.Http;

/// <summary>
/// A file part of a multipart body, already streamed to a temporary file. <paramref name="Md5"/> is the plain MD5
/// of its bytes (lowercase hex), computed as it streamed so the file is never read again for it: today's CL app
/// looks files up by it before uploading (contract section 8).
/// </summary>
public sealed record UploadedFile(string Field, string FileName, string TempPath, long Size, string Md5);

/// <summary>
/// A form body as an endpoint that takes a form receives it. multipart/form-data is read section by
/// section: text fields into memory (bounded), file parts straight to temporary files, so an upload is
/// never held whole in memory and is copied once. application/x-www-form-urlencoded (what a Python client
/// sends for a form without files, contract section 8) gives text fields only, within ASP.NET's limits.
/// The caller owns the temporary files and must move or delete them (<see cref="DisposeAsync"/> deletes what is left).
/// </summary>
public sealed class MultipartForm : IAsyncDisposable
{
    const int MaxFieldBytes = 1024 * 1024;
    /// <summary>As ASP.NET's own form reader: a body of countless tiny parts would otherwise grow memory without bound.</summary>
    const int MaxParts = 1024;
    /// <summary>The per-field cap times the part cap would still allow 1 GiB of text (2 GiB as strings) in memory: bound the sum too.</summary>
    const int MaxTextBytes = 4 * 1024 * 1024;

    public Dictionary<string, List<string>> Fields { get; } = new(StringComparer.Ordinal);
    public List<UploadedFile> Files { get; } = [];

    public string? Field(string name) => Fields.TryGetValue(name, out var values) ? values[^1] : null;
    public UploadedFile? File(string name) => Files.LastOrDefault(f => f.Field == name);

    public const string Expected = "a form body (multipart/form-data or application/x-www-form-urlencoded)";

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Reads the body; no body or another content type is the 422 list form (a wrong shape), a broken body the
    /// 422 detail form. <paramref name="tempDir"/> must be on the same filesystem as the final home so a rename is enough.
    /// </summary>
    public static async Task<MultipartForm> ReadAsync(HttpRequest request, string tempDir, CancellationToken ct)
    {
        if (!request.HasFormContentType) throw new RequestShapeError(RequestShape.Problem(request, Expected));
        if (!IsMultipart(request)) return await ReadUrlEncodedAsync(request, ct);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
            throw new ClientError(StatusCodes.Status422UnprocessableEntity, "Malformed multipart/form-data Content-Type");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw new ClientError(StatusCodes.Status422UnprocessableEntity, "The multipart body has no boundary");

        Directory.CreateDirectory(tempDir);
        var form = new MultipartForm();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            var parts = 0;
            var textBytes = 0;
            while ((section = await ReadSection(reader, ct)) is not null)
            {
                if (++parts > MaxParts)
                    throw new ClientError(StatusCodes.Status422UnprocessableEntity, $"The multipart body has more than {MaxParts} parts");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data"))
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                    form.Files.Add(await SaveFile(request, section, name, fileName, tempDir, ct));
                }
                else
                {
                    var (value, size) = await ReadText(section, MaxTextBytes - textBytes, ct);
                    textBytes += size;
                    if (!form.Fields.TryGetValue(name, out var list)) form.Fields[name] = list = [];
                    list.Add(value);
                }
            }
            return form;
        }
        catch
        {
            await form.DisposeAsync();
            throw;
        }
    }

    static async Task<MultipartForm> ReadUrlEncodedAsync(HttpRequest request, CancellationToken ct)
    {
        IFormCollection fields;
        try { fields = await request.ReadFormAsync(ct); }
        catch (InvalidDataException e)
        {
            // ASP.NET's urlencoded limits (a key over 2 KiB, more than 1024 values…) say so with InvalidDataException.
            throw new RequestShapeError(new ValidationItem(["body"], "The form is beyond the server's limits: " + e.Message, "value_error"));
        }
        var form = new MultipartForm();
        foreach (var (name, values) in fields) form.Fields[name] = values.Select(v => v ?? "").ToList();
        return form;
    }

    static async Task<MultipartSection?> ReadSection(MultipartReader reader, CancellationToken ct)
    {
        try { return await reader.ReadNextSectionAsync(ct); }
        catch (Exception e) when (Malformed(e, ct)) { throw MalformedBody(e); }
    }

    /// <summary>Reads a part's body; a body cut short is the client's mistake, unlike a failing disk on the write side.</summary>
    static async Task<int> ReadPart(Stream body, Memory<byte> buffer, CancellationToken ct)
    {
        try { return await body.ReadAsync(buffer, ct); }
        catch (Exception e) when (Malformed(e, ct)) { throw MalformedBody(e); }
    }

    // BadHttpRequestException (an IOException) carries its own status, such as 413, and is answered as such;
    // a client that went away is not told anything (see ErrorHandling).
    static bool Malformed(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && (e is InvalidDataException || e is IOException and not BadHttpRequestException);

    static ClientError MalformedBody(Exception e) => new(StatusCodes.Status422UnprocessableEntity,
        e is InvalidDataException ? "Malformed multipart body: " + e.Message : "Malformed multipart body: it ends before its closing boundary");

    /// <summary>Reads a text part of at most 1 MiB and at most <paramref name="budget"/> bytes (what is left of the body's text allowance).</summary>
    static async Task<(string Value, int Size)> ReadText(MultipartSection section, int budget, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ReadPart(section.Body, chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxFieldBytes)
                throw new ClientError(StatusCodes.Status422UnprocessableEntity, "A form field is larger than 1 MiB");
            if (buffer.Length + read > budget)
                throw new ClientError(StatusCodes.Status422UnprocessableEntity, "The form's text fields together are larger than 4 MiB");
            buffer.Write(chunk, 0, read);
        }
        return (Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), (int)buffer.Length);
    }

    /// <summary>While a file streams, free space is looked at again every so often: a body of unknown size must stop at the reserve too.</summary>
    const long SpaceCheckEvery = 8L * 1024 * 1024;

    static async Task<UploadedFile> SaveFile(HttpRequest request, MultipartSection section, string field, string fileName, string tempDir, CancellationToken ct)
    {
        // Before the file's bytes are read: a body known to be larger than the room left is refused unread.
        var space = request.HttpContext.RequestServices.GetService<DiskSpace>();
        space?.EnsureRoom(tempDir, request.ContentLength ?? 0);
        var path = Path.Combine(tempDir, $"upload-{Guid.NewGuid():N}.part");
        using var receive = Observability.StoreMetrics.Stage("receive");
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var chunk = new byte[1 << 16];
                int read;
                long written = 0, nextCheck = SpaceCheckEvery;
                while ((read = await ReadPart(section.Body, chunk, ct)) > 0)
                {
                    md5.AppendData(chunk, 0, read);
                    await target.WriteAsync(chunk.AsMemory(0, read), ct);
                    if ((written += read) >= nextCheck)
                    {
                        space?.EnsureRoom(tempDir, 0);
                        nextCheck += SpaceCheckEvery;
                    }
                }
                await target.FlushAsync(ct);
            }
            var size = new FileInfo(path).Length;
            Observability.StoreMetrics.Uploaded(size);
            return new UploadedFile(field, fileName, path, size, Convert.ToHexStringLower(md5.GetHashAndReset()));
        }
        catch
        {
            FileCleanup.TryDelete(path);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var file in Files) FileCleanup.TryDelete(file.TempPath);
        return ValueTask.CompletedTask;
    }
}
