import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  List,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type CreatedMember, type NewMember, useCreateMember } from '../api/create-member.ts';
import { languageOptions, memberName, warningText } from './member-display.ts';

const FIELDS = ['firstName', 'lastName', 'phone', 'email', 'postalCode', 'language', 'tags', 'wording'] as const;

function defaultWording(organization: string): string {
  return `I agree to receive recurring text messages from ${organization}. Msg & data rates may apply. Reply STOP to opt out, HELP for help.`;
}

const EMPTY = { firstName: '', lastName: '', phone: '', email: '', postalCode: '', language: 'en' };

export function AddMemberModal(props: { opened: boolean; onClose: () => void }) {
  const { workspaceId, workspace } = useCurrentWorkspace();
  const navigate = useNavigate();
  const create = useCreateMember(workspaceId);
  const [values, setValues] = useState(EMPTY);
  const [tags, setTags] = useState<string[]>([]);
  const [smsConsent, setSmsConsent] = useState(false);
  const [wording, setWording] = useState(() => defaultWording(workspace.name));
  const [created, setCreated] = useState<CreatedMember | null>(null);

  const reset = () => {
    setValues(EMPTY);
    setTags([]);
    setSmsConsent(false);
    setWording(defaultWording(workspace.name));
    setCreated(null);
    create.reset();
  };
  const close = () => {
    reset();
    props.onClose();
  };
  const set = (field: keyof typeof EMPTY) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: NewMember = { source: 'dashboard' };
    for (const [key, value] of Object.entries(values) as [keyof typeof EMPTY, string][]) {
      if (value.trim()) input[key] = value.trim();
    }
    if (tags.length > 0) input.tags = tags;
    if (smsConsent && values.phone.trim()) input.consent = { sms: { wording: wording.trim() } };
    create.mutate(input, {
      onSuccess: (member) => {
        if (member.warnings && member.warnings.length > 0) {
          setCreated(member);
          return;
        }
        notifySuccess(`${memberName(member)} was added.`);
        close();
      },
    });
  };

  const error = create.error;
  const hasContact = values.phone.trim() !== '' || values.email.trim() !== '';

  return (
    <Modal opened={props.opened} onClose={close} title={created ? 'Member added, with warnings' : 'Add a member'} centered size="lg">
      {created ? (
        <Stack>
          <Text size="sm">
            <b>{memberName(created)}</b> was added. Check these before you text them:
          </Text>
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle />}>
            <List size="sm" spacing={4}>
              {created.warnings?.map((warning) => (
                <List.Item key={`${warning.field}:${warning.message}`}>{warningText(warning)}</List.Item>
              ))}
            </List>
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={reset}>
              Add another
            </Button>
            <Button
              onClick={() => {
                const id = created.id;
                close();
                navigate(String(id));
              }}
            >
              Open profile
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <TextInput
                label="First name"
                value={values.firstName}
                onChange={(event) => set('firstName')(event.currentTarget.value)}
                error={fieldError(error, 'firstName')}
                data-autofocus
              />
              <TextInput
                label="Last name"
                value={values.lastName}
                onChange={(event) => set('lastName')(event.currentTarget.value)}
                error={fieldError(error, 'lastName')}
              />
              <TextInput
                label="Mobile phone"
                type="tel"
                placeholder="+1 512 555 0100"
                description="Without a country code, the workspace's default country is assumed."
                value={values.phone}
                onChange={(event) => set('phone')(event.currentTarget.value)}
                error={fieldError(error, 'phone')}
              />
              <TextInput
                label="Email"
                type="email"
                placeholder="name@example.org"
                value={values.email}
                onChange={(event) => set('email')(event.currentTarget.value)}
                error={fieldError(error, 'email')}
              />
              <TextInput
                label="Postal code"
                value={values.postalCode}
                onChange={(event) => set('postalCode')(event.currentTarget.value)}
                error={fieldError(error, 'postalCode')}
              />
              <Select
                label="Language"
                data={languageOptions(values.language)}
                value={values.language}
                onChange={(value) => value && set('language')(value)}
                error={fieldError(error, 'language')}
                searchable
                allowDeselect={false}
              />
            </SimpleGrid>
            <TagsInput
              label="Tags"
              placeholder="Type a tag, then Enter"
              value={tags}
              onChange={setTags}
              error={fieldError(error, 'tags')}
              clearable
            />
            <Checkbox
              label="This person agreed to receive text messages"
              description="Only tick this if they gave permission, e.g. on a sign-up sheet. It is recorded in their consent history with the words below."
              checked={smsConsent}
              onChange={(event) => setSmsConsent(event.currentTarget.checked)}
              disabled={!values.phone.trim()}
            />
            {smsConsent && (
              <Textarea
                label="The exact words they agreed to"
                value={wording}
                onChange={(event) => setWording(event.currentTarget.value)}
                error={fieldError(error, 'wording')}
                autosize
                minRows={2}
                withAsterisk
              />
            )}
            {error && (isDuplicate(error) || !onlyFieldErrors(error, FIELDS)) && (
              <Alert color="red" variant="light" role="alert" title={isDuplicate(error) ? 'Already a member' : undefined}>
                {errorDetail(error)}
                {existingId(error) && (
                  <Anchor component={Link} to={existingId(error) ?? ''} onClick={close} size="sm" display="block" mt={4}>
                    Open member {existingId(error)}
                  </Anchor>
                )}
              </Alert>
            )}
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {hasContact ? '' : 'Give at least a phone number or an email.'}
              </Text>
              <Group gap="xs">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending} disabled={!hasContact || (smsConsent && !wording.trim())}>
                  Add member
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function isDuplicate(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'member.duplicate';
}

/** The member a duplicate phone number belongs to, from the server's sentence ("… (member 12); edit that member …"). */
function existingId(error: unknown): string | null {
  if (!isDuplicate(error) || !(error instanceof ApiError)) return null;
  return /\(member (\d+)\)/.exec(error.detail)?.[1] ?? null;
}
