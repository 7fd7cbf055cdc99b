namespace Store.Storage;

/// <summary>
/// What the storage module needs from the host: its folders, the free space uploads must leave, and the bucket that
/// holds stored files and previews when MEDIA_STORE=s3 (null: the media folder holds them).
/// </summary>
public sealed record StorageOptions(string ServerDir, string MediaDir, string DatabasePath, long MinFreeBytes)
{
    public string JobsDir => Path.Combine(ServerDir, "jobs");

    public S3Options? S3 { get; init; }
}
