namespace Store.Tests.Media;

/// <summary>
/// Processes as Linux's /proc shows them. A process is named by its pid and start time together,
/// so a pid reused by a later process is not taken for the one a test saw.
/// </summary>
static class ProcFs
{
    public readonly record struct Proc(int Pid, long StartTime);

    /// <summary>The fields of /proc/pid/stat after the name (which may hold spaces): state is [0], ppid [1], start time [19].</summary>
    static string[]? Stat(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            return line[(line.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public static string? Name(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'); }
        catch (IOException) { return null; }
    }

    public static IReadOnlyList<Proc> Children(int parent)
    {
        var children = new List<Proc>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Stat(pid) is { } stat && stat[1] == parent.ToString()) children.Add(new Proc(pid, long.Parse(stat[19])));
        }
        return children;
    }

    /// <summary>Still running: not gone, not a zombie, and not another process under the same pid.</summary>
    public static bool Alive(Proc proc) =>
        Stat(proc.Pid) is { } stat && stat[0] != "Z" && long.Parse(stat[19]) == proc.StartTime;
}
