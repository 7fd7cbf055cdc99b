using System.Text.Json;
using FluentValidation;
using Store.Http;

namespace Store.Entities.Patch;

public sealed class PatchEntityValidator : AbstractValidator<PatchEntityInput>
{
    const string Expected = "a JSON object or a form";

    public PatchEntityValidator()
    {
        RuleFor(p => p.Body).Custom((body, context) =>
        {
            if (body.Failure(Expected) is { } failure) context.AddFailure(failure);
        });
        RuleFor(p => p.Wrapper).Must(f => !f.Sent || f.Kind == JsonValueKind.Object)
            .OverridePropertyName("body")
            .WithMessage("Input should be a valid dictionary or object").WithErrorCode("model_attributes_type");
        RuleFor(p => p.Label).Must(f => !f.Sent || f.Kind is JsonValueKind.String or JsonValueKind.Null)
            .WithMessage("Input should be a valid string").WithErrorCode("string_type");
        RuleFor(p => p.Description).Must(f => !f.Sent || f.Kind is JsonValueKind.String or JsonValueKind.Null)
            .WithMessage("Input should be a valid string").WithErrorCode("string_type");
        RuleFor(p => p.ParentId).Must(f => !f.Sent || f.Kind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Object or JsonValueKind.Array) && FormValues.TryOptionalLong(f.Text, out _))
            .WithMessage("Input should be a valid integer").WithErrorCode("int_parsing");
        RuleFor(p => p.IsDeleted).Must(f => !f.Sent || f.Text is not null && FormValues.TryBool(f.Text, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing");
    }
}
