namespace Store.Ops;

/// <summary>
/// What the owner's commands (backup, verify) need from the host: the SQLite file and the media folder they read, and
/// whether the rows or the files live elsewhere (PostgreSQL, a bucket), which these commands do not read.
/// </summary>
public sealed record OpsOptions(string DatabasePath, string MediaDir, bool OnPostgres, string? Bucket);
