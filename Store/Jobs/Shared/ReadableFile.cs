using System.Runtime.InteropServices;

namespace Store.Jobs.Shared;

/// <summary>
/// Whether a path is a regular file this process can open for reading. .NET tells neither a fifo from a file
/// nor can it open a fifo without blocking until a writer comes, so on Linux the file is opened non-blocking
/// and its type read from that same open file with statx (whose layout is the same on every architecture).
/// </summary>
public static partial class ReadableFile
{
    const int OReadOnlyNonBlockCloexec = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC (x64 and arm64)
    const int AtEmptyPath = 0x1000;
    const uint StatxType = 0x1;
    const int StatxSize = 256;
    const int StatxModeOffset = 28;
    const int FileTypeMask = 0xF000;
    const int RegularFile = 0x8000;

    public static bool Check(string path)
    {
        if (!OperatingSystem.IsLinux()) return FallbackCheck(path);
        var fd = Open(path, OReadOnlyNonBlockCloexec);
        if (fd < 0) return false;
        try
        {
            var buffer = new byte[StatxSize];
            if (Statx(fd, "", AtEmptyPath, StatxType, buffer) != 0) return false;
            return (BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask) == RegularFile;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Elsewhere (development machines) opening is the test; a fifo there would block, as it did before.</summary>
    static bool FallbackCheck(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
