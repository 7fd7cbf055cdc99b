using Store.Storage;
using Store.Contracts;

namespace Store.Compute.Queue;

/// <summary>
/// The job files: <c>CL_SERVER_DIR/jobs/&lt;job_id&gt;/input|output</c> on disk, or with MEDIA_STORE=s3 in the bucket
/// under keys that are those same relative paths (the wire's <c>path</c>), so that every instance on one bucket reads
/// them; a temporary folder on local disk for uploads, safe file names, and the allowed homes of external files
/// (always local paths, read in place).
/// </summary>
public sealed class JobFolders(JobOptions options, MediaStorage media, PendingFiles pending, ILogger<JobFolders> log)
{
    public string Root { get; } = options.JobsDir;

    /// <summary>The bucket holding the jobs' own files, or null: the folder holds them.</summary>
    public IObjectStore? Bucket => media.Bucket;

    public string TempDir => Path.Combine(Root, ".tmp");

    public string JobDir(string jobId) => Path.Combine(Root, jobId);
    public string InputDir(string jobId) => Path.Combine(Root, jobId, "input");
    public string OutputDir(string jobId) => Path.Combine(Root, jobId, "output");

    /// <summary>Makes the folders and clears temporary files left by a crash.</summary>
    public void Prepare()
    {
        Directory.CreateDirectory(Root);
        if (Directory.Exists(TempDir)) Directory.Delete(TempDir, recursive: true);
        Directory.CreateDirectory(TempDir);
    }

    /// <summary>The path a wire <see cref="JobFile"/> names: relative to CL_SERVER_DIR, or absolute for an external file outside it.</summary>
    public string FullPath(JobFile file) =>
        Path.IsPathRooted(file.Path) ? file.Path : Path.Combine(options.ServerDir, file.Path);

    public string RelativeToServer(string fullPath) =>
        Path.GetRelativePath(options.ServerDir, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// The wire path of a resolved external file: relative to CL_SERVER_DIR when it lies inside it (the media folder
    /// by default), as every job path is; absolute only for a JOB_EXTERNAL_ROOTS folder elsewhere.
    /// </summary>
    public string ExternalPath(string resolved) =>
        RealPath.Resolve(options.ServerDir) is { } server && RealPath.IsInside(resolved, server)
            ? Path.GetRelativePath(server, resolved).Replace(Path.DirectorySeparatorChar, '/')
            : resolved;

    /// <summary>
    /// An upload or output lies in the job's own folder (<c>jobs/&lt;job_id&gt;/…</c>, written by the service);
    /// anything else on the job is a referenced external file. Decided by the listed path, not by where a link leads.
    /// </summary>
    public bool IsOwnFile(string jobId, JobFile file) =>
        !Path.IsPathRooted(file.Path) && file.Path.StartsWith(RelativeToServer(JobDir(jobId)) + "/", StringComparison.Ordinal);

    /// <summary>The job a path relative to CL_SERVER_DIR (<c>jobs/&lt;job_id&gt;/…</c>) belongs to.</summary>
    public static string JobIdOf(string relative) => relative.Split('/')[1];

    /// <summary>What the pending journal and the audit call a job's own files: its folder, or <c>s3://bucket/jobs/&lt;job_id&gt;</c>.</summary>
    public string Locate(string jobId) => Bucket is { } bucket ? bucket.Locate(Key(jobId)) : JobDir(jobId);

    /// <summary>Where a job's own file will be, as the journal names it (<see cref="Locate(string)"/>).</summary>
    public string Locate(string jobId, string folder, string name) =>
        Bucket is { } bucket ? bucket.Locate($"{Key(jobId)}/{folder}/{name}") : Path.Combine(JobDir(jobId), folder, name);

    static string Key(string jobId) => $"jobs/{jobId}";

    /// <summary>
    /// Stores an upload or output as <c>jobs/&lt;job_id&gt;/&lt;folder&gt;/&lt;name&gt;</c>: moved durably into the folder,
    /// or streamed from the temporary file to the bucket (in parts when large; the temporary file stays for its owner).
    /// </summary>
    public async Task<JobFile> StoreAsync(string tempPath, string jobId, string folder, string name, string hash, CancellationToken ct)
    {
        if (Bucket is not { } bucket) return Place(tempPath, Path.Combine(JobDir(jobId), folder, name), name, hash);
        var key = $"{Key(jobId)}/{folder}/{name}";
        var size = new FileInfo(tempPath).Length;
        await bucket.PutFileAsync(key, tempPath, "application/octet-stream", ct);
        return new JobFile(name, key, size, hash);
    }

    /// <summary>
    /// Removes a job's own files stored (or being stored) for a write that did not commit, by name: a put cut short may
    /// still have landed, and a name never stored is nothing to do. A failure leaves them to the audit.
    /// </summary>
    public async Task RemoveAsync(string jobId, string folder, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return;
        if (Bucket is not { } bucket)
        {
            foreach (var name in names) FileCleanup.TryDelete(Path.Combine(JobDir(jobId), folder, name));
            return;
        }
        try { await bucket.DeleteAsync(names.Select(name => $"{Key(jobId)}/{folder}/{name}"), CancellationToken.None); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning("Deleting {Count} files of job {Job} that did not commit failed: {Reason}", names.Count, jobId, e.Message);
        }
    }

    /// <summary>A listed file that is one of the job's own in the bucket, read from there by its path as the key.</summary>
    public bool InBucket(string jobId, JobFile file) => Bucket is not null && IsOwnFile(jobId, file);

    /// <summary>Moves a temporary file durably to <paramref name="target"/> and describes it.</summary>
    public JobFile Place(string tempPath, string target, string filename, string hash)
    {
        Durability.Place(tempPath, target, overwrite: false);
        return new JobFile(filename, RelativeToServer(target), new FileInfo(target).Length, hash);
    }

    /// <summary>
    /// Resolves a referenced file: links followed, it must lie inside MEDIA_STORAGE_DIR or a JOB_EXTERNAL_ROOTS
    /// folder and be a regular file the service can read. Returns the resolved path or the reason it is refused.
    /// </summary>
    public (string? Path, string? Problem) ResolveExternal(string path)
    {
        // The filesystem cannot name such a path, and .NET throws rather than answer "not found".
        if (path.Contains('\0')) return (null, "External file path contains a NUL character");
        if (!Path.IsPathRooted(path)) return (null, $"External file path must be absolute: {path}");
        var resolved = RealPath.Resolve(path);
        if (resolved is null || !AllowedRoots().Any(root => RealPath.IsInside(resolved, root)))
            return (null, $"External file is outside the allowed folders: {path}");
        if (!Path.Exists(resolved)) return (null, $"External file not found: {path}");
        // A folder, a fifo or a file the service may not read would only fail later, while being hashed.
        if (!ReadableFile.Check(resolved)) return (null, $"External file cannot be read: {path}");
        return (resolved, null);
    }

    /// <summary>
    /// Where a file listed on a job really is, checked again now (links followed): an upload or output must lie in
    /// the job's folder, an external input in an allowed folder. Null when it is missing or has been moved out by a link.
    /// </summary>
    public string? ReadablePath(string jobId, JobFile file)
    {
        var resolved = RealPath.Resolve(FullPath(file));
        if (resolved is null || !File.Exists(resolved)) return null;
        var allowed = IsOwnFile(jobId, file)
            ? RealPath.Resolve(JobDir(jobId)) is { } jobDir && RealPath.IsInside(resolved, jobDir)
            : AllowedRoots().Any(root => RealPath.IsInside(resolved, root));
        return allowed ? resolved : null;
    }

    IEnumerable<string> AllowedRoots() =>
        new[] { options.MediaDir }.Concat(options.JobExternalRoots)
            .Select(RealPath.Resolve)
            .Where(r => r is not null)
            .Select(r => r!);

    /// <summary>
    /// Moves the jobs' folders aside while the caller holds the database's write lock and deletes their rows
    /// (see <see cref="Aside"/>): purged after the commit, put back if it fails or never comes. In a bucket nothing
    /// is touched before the commit: the jobs are journaled, and after it every key under each job's prefix is
    /// deleted (a completion still putting outputs finds no row and removes its own); a failure keeps the journal
    /// entry, so the next start deletes them.
    /// </summary>
    public PendingRemoval SetAside(IEnumerable<string> jobIds)
    {
        if (Bucket is null) return Aside.Move(options.ServerDir, TempDir, jobIds.Select(id => RelativeToServer(JobDir(id))));
        var ids = jobIds.ToList();
        if (ids.Count == 0) return new PendingRemoval(() => 0, () => { });
        var entry = pending.Record(ids.Select(id => Locate(id)));
        return new PendingRemoval(() =>
        {
            try
            {
                long freed = 0;
                foreach (var id in ids) freed += DeleteJobAsync(id).GetAwaiter().GetResult();
                entry.Dispose();
                return freed;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.LogWarning("Deleting the files of {Count} removed jobs failed, left for the next start: {Reason}", ids.Count, e.Message);
                return 0;
            }
        }, entry.Dispose);
    }

    /// <summary>Deletes a job's files (its folder, or its keys in the bucket); answers the bytes they held.</summary>
    public async Task<long> DeleteJobAsync(string jobId)
    {
        if (Bucket is not { } bucket) return DeleteJob(jobId);
        var keys = new List<(string Key, long Size)>();
        await foreach (var entry in bucket.ListSizedAsync(Key(jobId) + "/", CancellationToken.None)) keys.Add(entry);
        if (keys.Count > 0) await bucket.DeleteAsync(keys.Select(k => k.Key), CancellationToken.None);
        return keys.Sum(k => k.Size);
    }

    /// <summary>The bytes of every job's files: the folder's (with uploads in flight), and the bucket's <c>jobs/</c> keys.</summary>
    public async Task<long> SizeAsync(CancellationToken ct)
    {
        var size = FolderSize(Root);
        if (Bucket is { } bucket)
            await foreach (var (_, bytes) in bucket.ListSizedAsync("jobs/", ct)) size += bytes;
        return size;
    }

    /// <summary>Deletes a job's folder; answers the bytes it held.</summary>
    long DeleteJob(string jobId)
    {
        var dir = JobDir(jobId);
        var size = FolderSize(dir);
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
        return size;
    }

    public static long FolderSize(string dir) => DiskUsage.FolderSize(dir);

    /// <summary>
    /// The job-relative path (<c>input/&lt;name&gt;</c>, <c>output/&lt;name&gt;</c>) of the first of <paramref name="files"/>,
    /// which the jobs keep in params as input_path and output_path the way the CL compute service reports them
    /// (the Python SDK reads params.output_path); null when there is none.
    /// </summary>
    public static string? FirstPath(string folder, IReadOnlyList<JobFile> files) =>
        files.Count == 0 ? null : $"{folder}/{files[0].Filename}";
}
