using Store.Hosting;

namespace Store.Ops.Import;

/// <summary><c>store import &lt;folder&gt; --server URL [--token T] [--collections] [--parallel N] [--all]</c>.</summary>
public sealed record ImportOptions(string Folder, Uri Server, string? Token, bool Collections, int Parallel, bool AllFiles)
{
    public const string Usage = """
        Usage: store import <folder> --server URL [--token T] [--collections] [--parallel N] [--all]
          --server URL     the store, e.g. http://nas.local:8001
          --token T        a JWT with media_store_write (or set STORE_TOKEN); not needed when auth is off
          --collections    mirror the sub-folders as nested collections (found again by label on a re-run)
          --parallel N     uploads at a time (default 4)
          --all            every file, not only photos, videos and sound (by extension)
        Files the store already has (by the MD5 of their bytes) are not sent again, so a second run,
        or a run after Ctrl-C, goes on where the last one stopped. Hidden files and folders are skipped.
        Exit codes: 0 all imported, 1 some failed, 2 bad arguments, 3 store unreachable,
        4 token refused, 130 stopped by Ctrl-C or SIGTERM.
        """;

    public static ImportOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        string? folder = null, server = null, token = env("STORE_TOKEN");
        bool collections = false, all = false;
        var parallel = 4;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new SettingsException($"{arg} needs a value.");
            switch (arg)
            {
                case "--server": server = Value(); break;
                case "--token": token = Value(); break;
                case "--collections": collections = true; break;
                case "--all": all = true; break;
                case "--parallel":
                    var raw = Value();
                    if (!int.TryParse(raw, out parallel) || parallel is < 1 or > 64)
                        throw new SettingsException($"--parallel must be a number from 1 to 64, not '{raw}'.");
                    break;
                default:
                    if (arg.StartsWith('-') || folder is not null) throw new SettingsException($"Unknown argument '{arg}'.\n{Usage}");
                    folder = arg;
                    break;
            }
        }
        if (folder is null) throw new SettingsException($"Name the folder to import.\n{Usage}");
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new SettingsException($"{full} is not a folder.");
        if (server is null || !Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
            throw new SettingsException($"--server must be the store's http(s) address, e.g. http://localhost:8001\n{Usage}");
        return new ImportOptions(full, uri, string.IsNullOrEmpty(token) ? null : token, collections, parallel, all);
    }
}
