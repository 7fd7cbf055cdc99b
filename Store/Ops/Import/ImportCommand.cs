using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Store.Hosting;

namespace Store.Ops.Import;

/// <summary>
/// <c>store import</c>: brings a folder tree into a running store over HTTP, a few files at a time.
/// Each file is looked up by the MD5 of its bytes first, so what the store has is never sent again:
/// a second run, or one after Ctrl-C, uploads only what is still missing.
/// </summary>
public static class ImportCommand
{
    public const int FailedExitCode = 1, UnreachableExitCode = 3, RefusedExitCode = 4, StoppedExitCode = 130;

    public static async Task<int> MainAsync(string[] args)
    {
        if (args is ["-h" or "--help"]) { Console.WriteLine(ImportOptions.Usage); return 0; }
        ImportOptions options;
        try { options = ImportOptions.Parse(args, Environment.GetEnvironmentVariable); }
        catch (SettingsException e) { Console.Error.WriteLine($"store import: {e.Message}"); return 2; }

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await RunAsync(options, Console.Out, Console.Error, stop.Token);
    }

    public static async Task<int> RunAsync(ImportOptions options, TextWriter output, TextWriter error, CancellationToken stop)
    {
        using var client = new ImportClient(options.Server, options.Token);
        if (await client.ProblemReachingAsync(stop) is { } unreachable)
        {
            error.WriteLine($"store import: {unreachable}");
            return UnreachableExitCode;
        }

        var files = ImportFiles.Find(options.Folder, options.AllFiles);
        var totalBytes = files.Sum(f => f.Size);
        output.WriteLine($"store import: {files.Count} file(s), {StoredFiles.Bytes(totalBytes)}, from {options.Folder} into {options.Server}");

        var outcomes = new ConcurrentDictionary<Outcome, int>();
        var failures = new ConcurrentQueue<(string File, string Reason)>();
        var progress = new ImportProgress(files.Count, totalBytes);
        var (created, found) = (0, 0);
        string? refused = null;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(stop);

        var work = Task.Run(async () =>
        {
            var parents = new Dictionary<string, long?>(StringComparer.Ordinal) { [""] = null };
            if (options.Collections)
            {
                foreach (var folder in files.Select(f => f.Folder).Distinct().Order(StringComparer.Ordinal))
                {
                    // Parents before children: "a" sorts before "a/b".
                    var parts = folder.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    for (var depth = 1; depth <= parts.Length; depth++)
                    {
                        var path = string.Join('/', parts[..depth]);
                        if (parents.ContainsKey(path)) continue;
                        var (id, isNew) = await client.CollectionAsync(parts[depth - 1], parents[string.Join('/', parts[..(depth - 1)])], abort.Token);
                        parents[path] = id;
                        if (isNew) created++; else found++;
                    }
                }
            }

            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = abort.Token }, async (file, ct) =>
            {
                try
                {
                    var (outcome, reason) = await client.ImportAsync(file, options.Collections ? parents[file.Folder] : null, ct);
                    outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                    if (reason is not null) failures.Enqueue((Path.GetRelativePath(options.Folder, file.Path), reason));
                    progress.Done(file);
                }
                catch (HttpRequestException e)
                {
                    outcomes.AddOrUpdate(Outcome.Failed, 1, (_, n) => n + 1);
                    failures.Enqueue((Path.GetRelativePath(options.Folder, file.Path), $"the store could not be reached: {e.Message}"));
                    progress.Done(file);
                }
                catch (TokenRefusedException e)
                {
                    refused ??= e.Message;
                    await abort.CancelAsync();
                }
            });
        }, abort.Token);

        var showing = progress.ShowAsync(work, output);
        var stopped = false;
        try { await work; }
        catch (OperationCanceledException) { stopped = true; }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            await showing;
            error.WriteLine($"store import: {e.Message}");
            return FailedExitCode;
        }
        await showing;

        int Count(Outcome o) => outcomes.GetValueOrDefault(o);
        var duplicates = Count(Outcome.KnownByMd5) + Count(Outcome.SameContent);
        output.WriteLine($"store import: {Count(Outcome.New)} new, {duplicates} duplicate(s) ({Count(Outcome.KnownByMd5)} already in the store by MD5, not sent; "
            + $"{Count(Outcome.SameContent)} sent and found to be the same content as a stored item), {Count(Outcome.Failed)} failed"
            + (options.Collections ? $"; collections: {created} created, {found} found again" : "")
            + $"; {progress.Elapsed.TotalSeconds:0.0} s");
        foreach (var (file, reason) in failures.OrderBy(f => f.File, StringComparer.Ordinal)) output.WriteLine($"failed: {file}: {reason}");

        if (refused is not null)
        {
            error.WriteLine($"store import: stopped: {refused}");
            return RefusedExitCode;
        }
        if (stopped)
        {
            output.WriteLine($"store import: stopped with {files.Count - progress.Files} file(s) left; run the same command again to go on");
            return StoppedExitCode;
        }
        if (Count(Outcome.New) == 0 && Count(Outcome.Failed) == 0)
            output.WriteLine($"store import: nothing new: all {files.Count} file(s) are already in the store");
        return Count(Outcome.Failed) > 0 ? FailedExitCode : 0;
    }
}
