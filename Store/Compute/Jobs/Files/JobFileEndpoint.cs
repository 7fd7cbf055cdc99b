using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Store.Data;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;
using Store.Storage;

namespace Store.Compute.Jobs.Files;

public static class JobFileEndpoint
{
    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void MapJobFile(this ApiGroup routes) =>
        routes.MapGet("/jobs/{job_id}/files/{**path}", Handle)
            .AddOpenApiOperationTransformer(DescribeFileResponses)
            .WithName("GetJobFile")
            .WithSummary("Download one input or output file of a job")
            .WithDescription("`path` is `input/<filename>` or `output/<filename>`, as named in the job's input_files and output_files. " +
                             "Only files listed on the job are served; a referenced external input is served from where it lies. " +
                             "Supports Range: 206 with the part asked for, 416 for a range outside the file.");

    public static async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, NotFound<ErrorBody>>> Handle(
        string job_id, string path, HttpContext context, Db db, JobFolders folders, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await JobSql.GetAsync(connection, null, job_id);
        if (row is null) return Errors.NotFound("Job not found");
        var job = row.ToJob();

        // The path only selects a listed file by exact name; it never becomes part of a filesystem path.
        var slash = path.IndexOf('/');
        var (kind, name) = slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
        var listed = kind switch
        {
            "input" => job.InputFiles,
            "output" => job.OutputFiles,
            _ => [],
        };
        var file = listed.FirstOrDefault(f => f.Filename == name);
        if (file is null) return Errors.NotFound("File not found");

        var contentType = ContentTypes.TryGetContentType(file.Filename, out var type) ? type : "application/octet-stream";
        if (folders.InBucket(job_id, file))
        {
            // The same file result over the object, as for a stored file: Range, 304 and HEAD by its rules, only the bytes asked for fetched.
            var bucket = folders.Bucket!;
            if (await bucket.HeadAsync(file.Path, ct) is not { } info) return Errors.NotFound("File not found");
            return TypedResults.Stream(ObjectReadStream.For(context.Request, bucket, file.Path, info.Length), contentType, file.Filename,
                info.LastModified, Tag(file, info.Length, info.LastModified.UtcTicks), enableRangeProcessing: true);
        }
        if (folders.ReadablePath(job_id, file) is not { } resolved) return Errors.NotFound("File not found");
        var written = System.IO.File.GetLastWriteTimeUtc(resolved);
        return TypedResults.PhysicalFile(resolved, contentType, file.Filename, written,
            Tag(file, new FileInfo(resolved).Length, written.Ticks), enableRangeProcessing: true);
    }

    /// <summary>The recorded hash, the size and the time: an external input may have changed in place since its hash was taken.</summary>
    static EntityTagHeaderValue Tag(JobFile file, long length, long ticks)
    {
        var hash = string.IsNullOrEmpty(file.Hash) ? "0" : file.Hash[..Math.Min(32, file.Hash.Length)];
        return new($"\"{hash}-{length:x}-{ticks:x}\"");
    }

    /// <summary>
    /// The file result declares no responses of its own: OpenAPI would show only 404. The body is binary (its type
    /// comes from the file name); an ETag is sent, so If-None-Match may answer 304.
    /// </summary>
    static Task DescribeFileResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Responses ??= new OpenApiResponses();
        operation.Responses["200"] = Binary("The whole file");
        operation.Responses["206"] = Binary("The byte range asked for with Range");
        operation.Responses["304"] = new OpenApiResponse { Description = "Not modified: the file still has the ETag of If-None-Match" };
        operation.Responses["416"] = new OpenApiResponse { Description = "The range lies outside the file" };
        return Task.CompletedTask;
    }

    static OpenApiResponse Binary(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
        },
    };
}
