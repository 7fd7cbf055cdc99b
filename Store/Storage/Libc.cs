using System.Runtime.InteropServices;

namespace Store.Storage;

/// <summary>
/// The few Linux calls .NET has no API for (fsync of a folder, a non-blocking open, statx, setenv for native code). Only flags whose
/// values are the same on x64 and arm64 (a Raspberry Pi) are used: O_DIRECTORY, for one, differs between them.
/// </summary>
internal static partial class Libc
{
    public const int ReadOnly = 0;          // O_RDONLY
    public const int NonBlock = 0x800;      // O_NONBLOCK
    public const int CloseOnExec = 0x80000; // O_CLOEXEC
    public const int AtEmptyPath = 0x1000;  // AT_EMPTY_PATH

    public static string LastError => $"errno {Marshal.GetLastPInvokeError()}";

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    /// <summary>The process environment native libraries read: .NET's Environment.SetEnvironmentVariable does not reach it on Linux.</summary>
    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Setenv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
