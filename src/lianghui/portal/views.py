def home(request):
    raise NotImplementedError


proposal_list = proposal_detail = member_list = member_detail = home
organization_list = organization_detail = session_list = session_detail = home
regulation_list = regulation_detail = home
