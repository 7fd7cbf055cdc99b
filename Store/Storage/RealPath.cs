namespace Store.Storage;

/// <summary>
/// realpath(3) without native calls: follows every symbolic link in a path, component by component,
/// before applying "..", so <c>root/link/../x</c> resolves where the filesystem would take it,
/// not where the text suggests. Used to keep job files inside the folders they are allowed in.
/// </summary>
public static class RealPath
{
    const int MaxLinks = 40;

    /// <summary>The link-free absolute path, or null when a link loops or the path is not absolute.</summary>
    public static string? Resolve(string path)
    {
        if (!Path.IsPathRooted(path)) return null;
        var budget = MaxLinks;
        return Resolve(path, ref budget);
    }

    static string? Resolve(string path, ref int budget)
    {
        var root = Path.GetPathRoot(path) ?? "/";
        var current = root;
        foreach (var part in path[root.Length..].Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Join(current, part);
            string? target;
            try { target = new FileInfo(next).LinkTarget; }
            catch (IOException) { target = null; }
            catch (UnauthorizedAccessException) { target = null; }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (--budget < 0) return null;
            var resolved = Resolve(Path.IsPathRooted(target) ? target : Path.Join(current, target), ref budget);
            if (resolved is null) return null;
            current = resolved;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> itself or lies below it (both already resolved).</summary>
    public static bool IsInside(string path, string folder)
    {
        var trimmed = folder.TrimEnd('/', Path.DirectorySeparatorChar);
        if (trimmed.Length == 0) return true;
        return path == trimmed || path.StartsWith(trimmed + "/", StringComparison.Ordinal)
            || path.StartsWith(trimmed + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
