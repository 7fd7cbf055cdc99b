using Microsoft.AspNetCore.Http.HttpResults;
using Store.Auth;
using Store.Http;
using Store.Compute.Queue;
using Store.Media;
using Store.Storage;
using Store.Contracts;

namespace Store.Compute.Jobs.Create;

public static class CreateJobEndpoint
{
    static readonly CreateJobValidator Validator = new();

    public static void MapCreateJob(this ApiGroup routes) =>
        routes.MapPost("/jobs/{task_type}", Handle)
            .DocumentsBody<CreateJobRequest>("multipart/form-data", "application/x-www-form-urlencoded")
            .WithName("CreateJob")
            .WithSummary("Create a compute job from uploaded and referenced files")
            .WithDescription("Uploads land in jobs/<job_id>/input/ (names cleaned of path parts); external files are referenced in place " +
                             "and must lie inside MEDIA_STORAGE_DIR or JOB_EXTERNAL_ROOTS. Every input error answers 400.");

    public static async Task<Results<Created<Job>, BadRequest<ErrorBody>>> Handle(
        string task_type, HttpContext context, JobQueue queue, JobFolders folders, JobHolds holds, PendingFiles pending, CancellationToken ct)
    {
        await using var form = await ReadFormAsync(context.Request, folders, ct);
        var input = CreateJobForm.From(task_type, form);
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return TypedResults.BadRequest(new ErrorBody(validation.Errors[0].ErrorMessage));

        var externals = new List<(ExternalFile File, string Resolved)>();
        foreach (var external in input.ExternalValue)
        {
            var (resolved, problem) = folders.ResolveExternal(external.Path);
            if (resolved is null) return TypedResults.BadRequest(new ErrorBody(problem!));
            externals.Add((external, resolved));
        }

        var jobId = Guid.NewGuid().ToString("D");
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<JobFile>();
        // The job's folder (or its keys) may be left without its row by a crash from its first upload until the row
        // commits. Put into a bucket, they are also held until then, so that no instance judges them orphans meanwhile.
        await using var hold = input.Uploads.Count > 0 && folders.Bucket is not null ? await holds.HoldAsync(jobId, ct) : null;
        if (input.Uploads.Count > 0) pending.Record(context, folders.Locate(jobId));
        try
        {
            foreach (var upload in input.Uploads)
            {
                var name = FileNames.UniqueName(FileNames.CleanName(upload.FileName), taken);
                var hash = await FileHash.Sha256Async(upload.TempPath, ct);
                files.Add(await folders.StoreAsync(upload.TempPath, jobId, "input", name, hash, ct));
            }
            foreach (var (external, resolved) in externals)
            {
                var name = FileNames.UniqueName(FileNames.CleanName(Path.GetFileName(resolved)), taken);
                var hash = await FileHash.Sha256Async(resolved, ct);
                files.Add(new JobFile(name, folders.ExternalPath(resolved), new FileInfo(resolved).Length, hash, external.Metadata));
            }

            var inputPath = JobFolders.FirstPath("input", files.Take(input.Uploads.Count).ToList());
            var job = await queue.AddAsync(jobId, task_type, input.PriorityValue, input.ParamsValue.GetRawText(), files,
                inputPath, context.CallerId(), ct);
            return TypedResults.Created($"/compute/jobs/{jobId}", job);
        }
        catch
        {
            await folders.DeleteJobAsync(jobId);
            throw;
        }
    }

    /// <summary>
    /// No body or another content type (JSON, text…) means no inputs (400 below); a urlencoded form can still name
    /// external files. A broken form body is a 400 too.
    /// </summary>
    static async Task<MultipartForm?> ReadFormAsync(HttpRequest request, JobFolders folders, CancellationToken ct)
    {
        if (!request.HasFormContentType) return null;
        try { return await MultipartForm.ReadAsync(request, folders.TempDir, ct); }
        catch (ClientError e) when (e.StatusCode == StatusCodes.Status422UnprocessableEntity)
        {
            throw new ClientError(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (RequestShapeError e)
        {
            throw new ClientError(StatusCodes.Status400BadRequest, e.Message);
        }
    }
}
