using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Compute.Jobs.Create;

/// <summary>The fields of POST /compute/jobs/{task_type} as sent, before any parsing.</summary>
/// <param name="ParamFields">
/// Every other text field: the CL Python SDK's ComputeClient sends each task option as a form field of its own
/// (contract section 8) instead of one <c>params</c> JSON object.
/// </param>
public sealed record CreateJobForm(
    string TaskType, string? Priority, string? Params, string? ExternalFiles, IReadOnlyList<UploadedFile> Uploads,
    IReadOnlyDictionary<string, string> ParamFields)
{
    /// <summary><c>upload_files</c> is the seed's field; <c>file</c> the CL Python SDK's.</summary>
    static readonly string[] FileFields = ["upload_files", "file"];
    static readonly HashSet<string> OwnFields = ["priority", "params", "external_files", .. FileFields];

    public static CreateJobForm From(string taskType, MultipartForm? form) => new(
        taskType,
        form?.Field("priority"),
        form?.Field("params"),
        form?.Field("external_files"),
        form?.Files.Where(f => FileFields.Contains(f.Field)).ToList() ?? [],
        form?.Fields.Where(f => !OwnFields.Contains(f.Key) && f.Value.Count > 0)
            .ToDictionary(f => f.Key, f => f.Value[^1], StringComparer.Ordinal) ?? []);

    public int PriorityValue => string.IsNullOrWhiteSpace(Priority) ? 5 : int.Parse(Priority.Trim());

    /// <summary>
    /// The <c>params</c> object, with each separate field added where it names a key the object lacks. A field's
    /// text is taken as the JSON number or boolean it spells (<c>width=256</c> is 256, as a JSON client would send
    /// it), else as a string; an empty field is left out, since the SDK sends a Python None as "".
    /// </summary>
    public JsonElement ParamsValue
    {
        get
        {
            var merged = string.IsNullOrWhiteSpace(Params) ? new JsonObject() : JsonObject.Create(JobJson.TryParse(Params)!.Value)!;
            foreach (var (name, text) in ParamFields)
                if (text.Length > 0 && !merged.ContainsKey(name)) merged[name] = FieldValue(text);
            return JsonSerializer.SerializeToElement(merged);
        }
    }

    static JsonNode FieldValue(string text)
    {
        var trimmed = text.Trim();
        if (trimmed is "true" or "false") return JsonValue.Create(trimmed == "true");
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return JsonValue.Create(whole);
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)) return JsonValue.Create(real);
        return JsonValue.Create(text);
    }

    public IReadOnlyList<ExternalFile> ExternalValue =>
        string.IsNullOrWhiteSpace(ExternalFiles) ? [] : ExternalFile.ListFrom(JobJson.TryParse(ExternalFiles)!.Value);

    public const string ReservedTaskType = "claim";

}

/// <summary>One entry of <c>external_files</c>: a file the job reads in place, with the client's metadata.</summary>
public sealed record ExternalFile(string Path, JsonElement? Metadata)
{
    public static IReadOnlyList<ExternalFile> ListFrom(JsonElement array) =>
        array.EnumerateArray().Select(e => new ExternalFile(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? m.Clone() : null)).ToList();

    /// <summary>An array of objects, each with a non-empty string path and, if any, object metadata.</summary>
    public static bool IsValidList(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e =>
            e.ValueKind == JsonValueKind.Object
            && e.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String && p.GetString()!.Length > 0
            && (!e.TryGetProperty("metadata", out var m) || m.ValueKind is JsonValueKind.Object or JsonValueKind.Null));
}

/// <summary>Job creation answers 400 with the first problem, as the seed does, not the 422 list form.</summary>
public sealed class CreateJobValidator : AbstractValidator<CreateJobForm>
{
    public CreateJobValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;
        RuleFor(f => f.TaskType)
            .ValidTaskType()
            .WithMessage(f => $"Invalid task_type '{f.TaskType}': use 1 to 64 of a-z, 0-9 and _");
        // The claim route only takes JSON, so any other body sent to it lands here; it must not become a job.
        RuleFor(f => f.TaskType)
            .NotEqual(CreateJobForm.ReservedTaskType)
            .WithMessage("'claim' is reserved: POST /compute/jobs/claim claims a job with a JSON body " +
                         "(Content-Type: application/json) and cannot create one");
        RuleFor(f => f.Priority)
            .Must(p => int.TryParse(p!.Trim(), out var v) && v is >= 0 and <= 10)
            .WithMessage("priority must be a whole number from 0 to 10")
            .When(f => !string.IsNullOrWhiteSpace(f.Priority));
        RuleFor(f => f.Params)
            .Must(p => JobJson.TryParse(p!) is { ValueKind: JsonValueKind.Object })
            .WithMessage("params must be a JSON object")
            .When(f => !string.IsNullOrWhiteSpace(f.Params));
        RuleFor(f => f.ExternalFiles)
            .Must(x => JobJson.TryParse(x!) is { } v && ExternalFile.IsValidList(v))
            .WithMessage("external_files must be a JSON array of {\"path\": \"...\", \"metadata\": {...}} objects")
            .When(f => !string.IsNullOrWhiteSpace(f.ExternalFiles));
        RuleFor(f => f)
            .Must(f => f.Uploads.Count > 0 || f.ExternalValue.Count > 0)
            .WithMessage("At least one input file is required (upload_files or external_files)");
    }
}

/// <summary>Documents the multipart body for OpenAPI only (see Http/BodyDocs): any other body must reach the handler and get its 400.</summary>
public sealed class CreateJobRequest
{
    [Description("Files to upload (any number)")]
    public IFormFileCollection? UploadFiles { get; init; }
    [Description("Files to upload, as the CL Python SDK names the field (any number, beside upload_files)")]
    public IFormFileCollection? File { get; init; }
    [Description("JSON array of {\"path\": \"/absolute/path\", \"metadata\": {...}}: stored files read in place")]
    public string? ExternalFiles { get; init; }
    [Description("0 to 10, default 5; 10 runs first"), Range(0, 10), DefaultValue(5)]
    public int? Priority { get; init; }
    [Description("JSON object: the task's own options. Any other form field is one option too (width=256), added where params lacks it")]
    public string? Params { get; init; }
}
