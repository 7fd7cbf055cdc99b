
namespace Store.Storage;

/// <summary>
/// Whether a path is a regular file this process can open for reading. .NET tells neither a fifo from a file
/// nor can it open a fifo without blocking until a writer comes, so on Linux the file is opened non-blocking
/// and its type read from that same open file with statx (whose layout is the same on every architecture).
/// </summary>
public static class ReadableFile
{
    const uint StatxType = 0x1;
    const int StatxSize = 256;
    const int StatxModeOffset = 28;
    const int FileTypeMask = 0xF000;
    const int RegularFile = 0x8000;

    public static bool Check(string path)
    {
        if (!OperatingSystem.IsLinux()) return FallbackCheck(path);
        var fd = Libc.Open(path, Libc.ReadOnly | Libc.NonBlock | Libc.CloseOnExec);
        if (fd < 0) return false;
        try
        {
            var buffer = new byte[StatxSize];
            if (Libc.Statx(fd, "", Libc.AtEmptyPath, StatxType, buffer) != 0) return false;
            return (BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask) == RegularFile;
        }
        finally
        {
            _ = Libc.Close(fd);
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
}
