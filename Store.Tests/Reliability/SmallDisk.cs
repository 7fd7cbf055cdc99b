using System.Diagnostics;

namespace Store.Tests.Reliability;

/// <summary>
/// A real small filesystem (tmpfs) mounted for one test, so a full disk is a real ENOSPC from the kernel. Only root
/// may mount; elsewhere the test is skipped with the reason (CI runs as root).
/// </summary>
public sealed class SmallDisk : IDisposable
{
    public string Path { get; }

    SmallDisk(string path) => Path = path;

    public static SmallDisk Mount(int megabytes)
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("A small filesystem is made with a tmpfs mount, which needs Linux");
        if (Environment.UserName != "root") Assert.Skip("Mounting a small tmpfs needs root (CI runs as root); run the tests as root to include this one");
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "store-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            Assert.Skip($"mount -t tmpfs was refused ({error.Trim()}): this machine does not let root mount");
        }
        return new SmallDisk(path);
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Fills the filesystem to its last byte with a file of its own; deleting that file gives the room back.</summary>
    public string FillUp()
    {
        var filler = System.IO.Path.Combine(Path, "filler-" + Guid.NewGuid().ToString("N"));
        // Unbuffered, so that nothing is left to fail on close.
        using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException) { }
        // What is left is less than a block: fill it byte by byte.
        try
        {
            while (true) stream.WriteByte(1);
        }
        catch (IOException) { }
        return filler;
    }

    static (int Code, string Error) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
