namespace Store.Storage;

/// <summary>The bucket did not answer at start: the store does not run without the place its files are in.</summary>
public sealed class BucketUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>What a stored object is, as a download needs it.</summary>
public sealed record ObjectInfo(long Length, DateTimeOffset LastModified);

/// <summary>
/// Stored files and previews in an object store (MEDIA_STORE=s3): the other side of <see cref="MediaStorage"/>'s seam,
/// where keys are the relative paths the local folder uses (<c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c>,
/// <c>previews/…</c>). Nothing here names the AWS SDK, so the default local store never loads it.
/// </summary>
public interface IObjectStore
{
    /// <summary><c>s3://bucket/key</c>: the audit's absolute path and the pending journal's entry for a key.</summary>
    string Locate(string key);

    /// <summary>The prefix <see cref="Locate"/> puts before every key (<c>s3://bucket</c>).</summary>
    string Base { get; }

    /// <summary>Answers once the bucket takes requests; throws with the reason otherwise.</summary>
    Task CheckAsync(CancellationToken ct);

    /// <summary>Uploads a local file, streamed from disk (in parts when large); the object exists whole or not at all.</summary>
    Task PutFileAsync(string key, string path, string contentType, CancellationToken ct);

    Task PutBytesAsync(string key, byte[] bytes, string contentType, CancellationToken ct);

    /// <summary>The object's size and time, or null when there is no such key.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct);

    /// <summary>The bytes from <paramref name="from"/> to <paramref name="to"/> (inclusive), streamed.</summary>
    Task<Stream> ReadAsync(string key, long from, long to, CancellationToken ct);

    /// <summary>Writes the whole object to <paramref name="path"/>; false when there is no such key.</summary>
    Task<bool> DownloadAsync(string key, string path, CancellationToken ct);

    /// <summary>Deletes the keys; a missing one is nothing to do.</summary>
    Task DeleteAsync(IEnumerable<string> keys, CancellationToken ct);

    /// <summary>Every key that starts with <paramref name="prefix"/>.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Every key that starts with <paramref name="prefix"/>, with its size (the listing has it: no request a key).</summary>
    IAsyncEnumerable<(string Key, long Size)> ListSizedAsync(string prefix, CancellationToken ct);
}
