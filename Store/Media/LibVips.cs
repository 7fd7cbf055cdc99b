using System.Runtime.CompilerServices;
using Store.Storage;

namespace Store.Media;

/// <summary>
/// Loads the system's libvips once, before anything else touches NetVips, with only the loader module the
/// service needs (HEIF: HEIC and AVIF).
/// </summary>
/// <remarks>
/// Debian's libvips loads every module in its folder at start, into the global symbol scope, and one of them
/// (openslide) links the system's libsqlite3. Its sqlite3_* symbols then take the place of those inside the
/// SQLite that Microsoft.Data.Sqlite bundles, and the first connection crashes the process. Pointing libvips'
/// VIPSHOME at a folder holding only the HEIF module keeps the others (openslide, ImageMagick, poppler) out,
/// which also keeps their file parsers away from uploads.
/// </remarks>
public static class LibVips
{
    static readonly Lazy<string?> Loaded = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libvips if it is not loaded yet; null when it is there with its HEIF loader, else what is wrong.</summary>
    public static string? Load() => Loaded.Value;

    static string? LoadOnce()
    {
        KeepOnlyTheHeifModule();
        return Check();
    }

    /// <summary>Must run before the NetVips assembly loads: its module initializer starts libvips, which reads VIPSHOME once.</summary>
    static void KeepOnlyTheHeifModule()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("VIPSHOME") is not null) return;
        string[] libraries = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/arm-linux-gnueabihf", "/usr/lib64", "/usr/lib", "/usr/local/lib"];
        var module = libraries.Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateDirectories(dir, "vips-modules-*"))
            .Select(dir => Path.Combine(dir, "vips-heif.so"))
            .FirstOrDefault(File.Exists);
        if (module is null) return;
        var home = Path.Combine(Path.GetTempPath(), $"store-libvips-{Environment.UserName}");
        var modules = Path.GetFileName(Path.GetDirectoryName(module)!); // vips-modules-8.14
        var libdir = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(module))!); // x86_64-linux-gnu, lib …
        // libvips looks under VIPSHOME by the tail of the library folder it was built for; which tail differs by build.
        foreach (var folder in new[] { Path.Combine(home, libdir), Path.Combine(home, "lib"), Path.Combine(home, "lib", libdir) }.Distinct())
        {
            var dir = Path.Combine(folder, modules);
            Directory.CreateDirectory(dir);
            var link = Path.Combine(dir, "vips-heif.so");
            if (new FileInfo(link).LinkTarget == module) continue;
            FileCleanup.TryDelete(link);
            try { File.CreateSymbolicLink(link, module); }
            catch (IOException) when (new FileInfo(link).LinkTarget == module) { } // another process made it first
        }
        _ = Libc.Setenv("VIPSHOME", home, 1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static string? Check()
    {
        bool initialized, heif;
        string? error;
        try
        {
            initialized = NetVips.ModuleInitializer.VipsInitialized;
            error = NetVips.ModuleInitializer.Exception?.Message;
            heif = initialized && NetVips.NetVips.TypeFind("VipsOperation", "heifload") != IntPtr.Zero;
            if (initialized)
            {
                // Each upload is read once: libvips' operation cache would only keep files open and pixels in memory.
                NetVips.Cache.Max = 0;
                NetVips.Cache.MaxFiles = 0;
                NetVips.Cache.MaxMem = 0;
                // libvips warns on stderr about colour profiles it ignores; the service's log is not the place.
                NetVips.Log.SetLogHandler("VIPS", NetVips.Enums.LogLevelFlags.Warning, (_, _, _) => { });
            }
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            (initialized, heif, error) = (false, false, e.Message);
        }
        return Problem(initialized, heif, error);
    }

    /// <summary>What to tell the operator: null when all is well.</summary>
    public static string? Problem(bool initialized, bool heif, string? error)
    {
        const string install = "Debian/Ubuntu: sudo apt-get install libvips42; macOS: brew install vips";
        if (!initialized)
            return $"libvips is required (it decodes HEIC, AVIF and animated WebP) but could not be loaded{(error is null ? "" : $" ({error})")}. Install it: {install}";
        return heif ? null : $"libvips was found without its HEIF loader (HEIC and AVIF). Install Debian's build: {install}";
    }
}
