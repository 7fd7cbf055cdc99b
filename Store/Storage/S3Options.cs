namespace Store.Storage;

/// <summary>
/// MEDIA_STORE=s3: stored files and previews live in a bucket of an S3-compatible object store. With an endpoint
/// (MinIO, Garage, Ceph, s3rver) requests use path-style addressing (<c>http://host:port/bucket/key</c>); without
/// one, AWS S3 in <see cref="Region"/>. The part sizes are settings only for the tests, which use S3's smallest.
/// </summary>
public sealed record S3Options(string? Endpoint, string Bucket, string AccessKey, string SecretKey, string Region)
{
    /// <summary>A file of at least this many bytes goes up as a multipart upload, its parts read from the file.</summary>
    public long MultipartThreshold { get; init; } = 16L * 1024 * 1024;

    /// <summary>The size of each part but the last (S3 takes 5 MiB at least and 10,000 parts at most).</summary>
    public long PartSize { get; init; } = 16L * 1024 * 1024;

    /// <summary>Where a key is, as the audit and the pending journal name it.</summary>
    public string Locate(string key) => $"s3://{Bucket}/{key}";

    /// <summary>Never the keys: settings are logged and printed whole.</summary>
    public override string ToString() => $"S3Options {{ Endpoint = {Endpoint ?? "AWS"}, Bucket = {Bucket}, Region = {Region} }}";
}
