using System.Runtime.InteropServices;

namespace Store.Hosting;

/// <summary>
/// Bounds glibc's malloc arenas. By default glibc gives a thread that meets a locked arena a new one, up to eight per
/// core, and memory freed in an arena is kept by that arena for its own later mallocs. Store's native allocations
/// (SQLite's page caches, libvips, ImageSharp's unmanaged pixel buffers) come from whichever thread-pool thread runs
/// the request, so over a long run every one of the 16 arenas of a 2-core machine grows to its own high-water mark:
/// the soak measured malloc's in-use bytes flat at about 20 MB while 16 arenas held 100 MB and their resident pages
/// kept rising (bench/soak, README "Soak"). Set from Main, the limit stops new arenas only: the runtime's own threads
/// made 8 before it, so the service runs with 9, and <see cref="NativeHeapTrim"/> gives back what they keep free.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>glibc's M_ARENA_MAX parameter of mallopt.</summary>
    const int ArenaMaxParameter = -8;

    public const int Arenas = 2;

    /// <summary>
    /// Limits the arenas unless the owner chose a number (glibc reads MALLOC_ARENA_MAX itself at start). Called first in
    /// Main: glibc fixes the limit when it next needs a new arena, and the arenas made before that stay. True when set.
    /// </summary>
    public static bool LimitArenas(Func<string, string?> env)
    {
        return OperatingSystem.IsLinux() && env("MALLOC_ARENA_MAX") is not { Length: > 0 } && SetOption(ArenaMaxParameter, Arenas);
    }

    /// <summary>glibc's M_MMAP_THRESHOLD parameter of mallopt.</summary>
    const int MmapThresholdParameter = -3;

    /// <summary>A block of this size or more that no free space in an arena can serve is mapped on its own, not grown into a heap, and unmapped when freed.</summary>
    public const int MmapThreshold = 256 * 1024;

    /// <summary>
    /// Keeps large blocks out of the arenas unless the owner chose a threshold (MALLOC_MMAP_THRESHOLD_). glibc starts
    /// at 128 KiB but raises the threshold to the size of each mapped block freed, up to 32 MiB: after the first of
    /// ImageSharp's 4 MiB pixel chunks or libvips' buffers is freed, the next ones come from the arenas, where a
    /// freed 4 MiB hole beside live small blocks is rarely reused whole, and the heaps' extent and resident pages grew
    /// through a soak while malloc's in-use bytes stayed flat (README "Soak", session 12). A fixed threshold also
    /// turns the raising off. True when set.
    /// </summary>
    public static bool FixMmapThreshold(Func<string, string?> env)
    {
        return OperatingSystem.IsLinux() && env("MALLOC_MMAP_THRESHOLD_") is not { Length: > 0 } && SetOption(MmapThresholdParameter, MmapThreshold);
    }

    static bool SetOption(int parameter, int value)
    {
        try
        {
            return Mallopt(parameter, value) == 1;
        }
        // Not glibc (musl has no such parameters): nothing to set.
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Hands the free pages inside every arena back to the kernel (glibc's malloc_trim, which since 2.8 also walks the
    /// middle of each heap, not only its top). False when nothing was released or this is not glibc.
    /// </summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
