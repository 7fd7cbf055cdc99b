using Store.Http;
using Store.Media;
using Store.Storage;

namespace Store.Entities.Shared;

/// <summary>The file part of create and replace: inspect an upload and move it into the store.</summary>
public sealed class EntityFiles(IMediaInspector inspector, MediaStorage storage, PendingFiles pending, TimeProvider clock)
{
    public string TempDir => storage.TempDir;

    /// <summary>Inspects the upload; a rejected file is a client error, with the pipeline's reason.</summary>
    public async Task<(MediaInfo? Info, string? Problem)> InspectAsync(UploadedFile file, CancellationToken ct)
    {
        try { return (await inspector.InspectAsync(file.TempPath, ct), null); }
        catch (MediaRejectedException e) { return (null, e.Message); }
        // A hung or crashed tool says nothing about the file: the client may try again.
        catch (MediaToolException e) { throw new ClientError(StatusCodes.Status503ServiceUnavailable, "The media tools could not process the file: " + e.Message); }
    }

    /// <summary>
    /// Moves the upload into <c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c>, flushed to disk; returns the relative path.
    /// The path stays in the pending journal until the request ends, by when its row is committed or the file removed.
    /// </summary>
    public string Store(HttpContext context, UploadedFile file, string hash, string? extension)
    {
        var relative = MediaStorage.RelativePathFor(clock.GetUtcNow(), hash, extension ?? "");
        pending.Record(context, storage.FullPath(relative));
        storage.Place(file.TempPath, relative);
        return relative;
    }

    public void Remove(string? relativePath) => storage.Delete(relativePath);

    public PendingRemoval SetAside(string? relativePath) => storage.SetAside([relativePath]);

    public long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
