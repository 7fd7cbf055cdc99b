using System.Text.Json;

namespace Store.Storage;

/// <summary>
/// The journal of files that may become orphans. An entry names the files (or folders) a write is about to place; it
/// is flushed to disk before the first of them exists and removed once the rows naming them are committed, or the
/// files removed again. After a crash the next start judges only what the entries name (Integrity/Shared/CrashRecovery),
/// never every file on disk; a new kind of file is covered by one <see cref="Record(HttpContext, IEnumerable{string})"/>
/// call in the code that writes it.
/// </summary>
public sealed class PendingFiles(StorageOptions options)
{
    public string Dir { get; } = Path.Combine(options.ServerDir, ".pending");

    /// <summary>Records <paramref name="fullPaths"/> durably; disposing the entry removes it.</summary>
    public PendingEntry Record(params IEnumerable<string> fullPaths)
    {
        Directory.CreateDirectory(Dir);
        var path = Path.Combine(Dir, $"{Guid.NewGuid():N}.json");
        try
        {
            // FileShare.Read: on Linux .NET takes an exclusive flock for FileShare.None, which fails while the audit or the crash
            // check holds a shared one on this new file to read it (a half-written entry reads as naming nothing).
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(fullPaths.ToArray()));
                stream.Flush(flushToDisk: true);
            }
            Durability.FlushDirectory(Dir);
        }
        catch
        {
            FileCleanup.TryDelete(path);
            throw;
        }
        return new PendingEntry(path);
    }

    /// <summary>
    /// Records <paramref name="fullPaths"/> until the request is over: by then its handler has committed the rows
    /// naming them or removed them again.
    /// </summary>
    public PendingEntry Record(HttpContext context, params IEnumerable<string> fullPaths)
    {
        var entry = Record(fullPaths);
        context.Response.RegisterForDispose(entry);
        return entry;
    }

    /// <summary>Every entry on disk. One cut short by a crash names nothing: it was written before any file it would name.</summary>
    public IReadOnlyList<(string EntryFile, IReadOnlyList<string> Paths)> Entries()
    {
        if (!Directory.Exists(Dir)) return [];
        var entries = new List<(string, IReadOnlyList<string>)>();
        foreach (var file in Directory.EnumerateFiles(Dir))
        {
            string[] paths;
            try { paths = JsonSerializer.Deserialize<string[]>(File.ReadAllBytes(file)) ?? []; }
            catch (Exception e) when (e is JsonException or IOException) { paths = []; }
            entries.Add((file, paths));
        }
        return entries;
    }

    public IReadOnlyList<string> Paths() => Entries().SelectMany(e => e.Paths).ToList();
}

/// <summary>One journal entry; removing it needs no flush: an entry that survives a crash is judged again, harmlessly.</summary>
public sealed class PendingEntry(string entryFile) : IDisposable
{
    public void Dispose() => FileCleanup.TryDelete(entryFile);
}
