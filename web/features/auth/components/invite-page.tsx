import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ROLE_LABELS } from '../../../../common/roles.ts';
import { CenteredCard } from '../../../components/centered-card.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { rememberWorkspace } from '../../../lib/last-workspace.ts';
import { useAcceptInvitation } from '../api/accept-invitation.ts';
import { type InvitationPreview, useInvitation } from '../api/get-invitation.ts';

export function InvitePage() {
  const { token = '' } = useParams();
  const invitation = useInvitation(token);

  if (invitation.isError && invitation.error instanceof ApiError && [404, 410].includes(invitation.error.status)) {
    return (
      <CenteredCard title="This invitation cannot be used">
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle />}>
            {errorDetail(invitation.error)}
          </Alert>
          <Text size="sm">If you already joined with this link, sign in instead.</Text>
          <Anchor component={Link} to="/login" size="sm">
            Go to sign in
          </Anchor>
        </Stack>
      </CenteredCard>
    );
  }

  return (
    <CenteredCard title="Join a workspace">
      <QueryView query={invitation} errorTitle="Could not open this invitation">
        {(preview) => <AcceptForm token={token} preview={preview} />}
      </QueryView>
    </CenteredCard>
  );
}

function AcceptForm(props: { token: string; preview: InvitationPreview }) {
  const { preview } = props;
  const navigate = useNavigate();
  const accept = useAcceptInvitation(props.token);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    accept.mutate(preview.hasAccount ? { password } : { name: name.trim(), password }, {
      onSuccess: (session) => {
        const joined = session.workspaces.find((w) => w.name === preview.workspace.name) ?? session.workspaces[0];
        if (joined) rememberWorkspace(String(joined.id));
        navigate(joined ? `/w/${joined.id}` : '/', { replace: true });
      },
    });
  };

  const error = accept.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          You were invited to <b>{preview.workspace.name}</b> as <b>{ROLE_LABELS[preview.role]}</b>, with the email <b>{preview.email}</b>.
        </Text>
        {preview.hasAccount ? (
          <Text size="sm" c="dimmed">
            You already have a Groundswell account: enter your current password to join.
          </Text>
        ) : (
          <TextInput
            label="Your name"
            autoComplete="name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(error, 'name')}
            withAsterisk
            autoFocus
          />
        )}
        <PasswordInput
          label={preview.hasAccount ? 'Current password' : 'Choose a password'}
          description={preview.hasAccount ? undefined : 'At least 10 characters.'}
          autoComplete={preview.hasAccount ? 'current-password' : 'new-password'}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldError(error, 'password')}
          withAsterisk
        />
        {error && !onlyFieldErrors(error, ['name', 'password']) && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle />} role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Button type="submit" loading={accept.isPending} fullWidth>
          Join {preview.workspace.name}
        </Button>
      </Stack>
    </form>
  );
}
