using Store.Storage;
using Store.Contracts;

namespace Store.Compute.Queue;

/// <summary>
/// The job files on disk: <c>CL_SERVER_DIR/jobs/&lt;job_id&gt;/input|output</c>, a temporary folder on the
/// same filesystem for uploads, safe file names, and the allowed homes of external files.
/// </summary>
public sealed class JobFolders(JobOptions options)
{
    public string Root { get; } = options.JobsDir;
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
    /// (see <see cref="Aside"/>): purged after the commit, put back if it fails or never comes.
    /// </summary>
    public PendingRemoval SetAside(IEnumerable<string> jobIds) =>
        Aside.Move(options.ServerDir, TempDir, jobIds.Select(id => RelativeToServer(JobDir(id))));

    /// <summary>Deletes a job's folder; answers the bytes it held.</summary>
    public long DeleteJob(string jobId)
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
