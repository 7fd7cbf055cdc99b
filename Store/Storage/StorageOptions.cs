namespace Store.Storage;

/// <summary>What the storage module needs from the host: its folders and the free space uploads must leave.</summary>
public sealed record StorageOptions(string ServerDir, string MediaDir, string DatabasePath, long MinFreeBytes)
{
    public string JobsDir => Path.Combine(ServerDir, "jobs");
}
