using FluentValidation;

namespace Store.Http;

public sealed class BooleanFieldValidator : AbstractValidator<BooleanFieldInput>
{
    public BooleanFieldValidator(string field)
    {
        RuleFor(i => i.Body).Custom((body, context) =>
        {
            if (body.Failure($"JSON {{\"{field}\": true|false}} or a form with {field}") is { } failure) context.AddFailure(failure);
        });
        // Only a JSON object or a form has fields to judge; the rule above already said what else is wrong.
        When(i => i.Body.Usable, () =>
        {
            RuleFor(i => i.Sent).Equal(true).OverridePropertyName(field)
                .WithMessage("Field required").WithErrorCode("missing");
            RuleFor(i => i.IsBoolean).Equal(true).OverridePropertyName(field)
                .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
                .When(i => i.Sent);
        });
    }
}
