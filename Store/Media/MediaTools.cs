namespace Store.Media;

/// <summary>The start-up check: ExifTool, ffprobe and ffmpeg must be there before the service takes uploads.</summary>
public static class MediaTools
{
    static readonly (string Name, string Tool, string Install)[] Required =
    [
        ("exiftool", "ExifTool", "Debian/Ubuntu: sudo apt-get install libimage-exiftool-perl; macOS: brew install exiftool; or see https://exiftool.org"),
        ("ffprobe", "ffprobe (part of FFmpeg)", "Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; or see https://ffmpeg.org/download.html"),
        ("ffmpeg", "ffmpeg (video previews)", "Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; or see https://ffmpeg.org/download.html"),
    ];

    /// <summary>One message per missing tool, naming it and how to install it; empty when all are found.</summary>
    public static IReadOnlyList<string> Missing(MediaToolOptions options, string? pathVariable)
    {
        var problems = new List<string>();
        foreach (var (name, tool, install) in Required)
        {
            var configured = name switch { "exiftool" => options.ExifToolPath, "ffprobe" => options.FfprobePath, _ => options.FfmpegPath };
            if (Find(configured, pathVariable) is null)
                problems.Add($"{tool} is required but '{configured}' was not found on PATH. Install it: {install}");
        }
        if (LibVips.Load() is { } vips) problems.Add(vips);
        return problems;
    }

    /// <summary>The full path of an executable, as the shell would find it; a name with a slash is taken as a path.</summary>
    public static string? Find(string command, string? pathVariable)
    {
        if (command.Contains('/')) return IsExecutable(command) ? Path.GetFullPath(command) : null;
        foreach (var dir in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
