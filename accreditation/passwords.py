"""Django's password checks with messages that say what to do instead of only what is wrong."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"Your new password must be {self.min_length} characters or more. A few unrelated words work well."


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "Choose a password that is not like your %(verbose_name)s: it would be easy to guess."


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "Choose a password that is harder to guess: this one is on a list of passwords many people use."


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "Choose a password with letters in it, not only numbers."
